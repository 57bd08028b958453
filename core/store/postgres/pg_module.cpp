// The module's entry point: the PostgreSQL store's functions, as the binary's loader
// (pg_loader.cpp) finds them by the one exported symbol.
#include "core/store/postgres/pg_module.hpp"

#include "core/store/postgres/pg_conninfo.hpp"
#include "core/store/postgres/pg_store.hpp"

namespace {

const chatctl::postgres::Module kModule = {
    chatctl::postgres::kModuleBuild,
    [](const chatctl::StoreOptions& o, chatctl::OpenMode m) -> std::unique_ptr<chatctl::Store> {
        return chatctl::postgres::PgStore::open(o, m);
    },
    chatctl::postgres::PgStore::init,
    chatctl::postgres::describe_conninfo,
};

} // namespace

extern "C" __attribute__((visibility("default"))) const chatctl::postgres::Module*
chatctl_postgres_module() {
    return &kModule;
}
