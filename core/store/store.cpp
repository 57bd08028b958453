// Choosing the store's implementation by the text --db gives (the one table that knows
// them), where the store is, and failures turned into Errors.
#include "core/store/store.hpp"

#include "core/error.hpp"
#include "core/store/postgres/pg_module.hpp"
#include "core/store/sqlite/sqlite_store.hpp"
#include "core/store/store_text.hpp"

#include <cstdlib>

namespace chatctl {

namespace {

struct Backend {
    bool (*handles)(const std::string& text);
    std::unique_ptr<Store> (*open)(const StoreOptions& options, OpenMode mode);
    InitReport (*init)(const StoreOptions& options, const std::optional<std::string>& grant,
                       bool create);
    std::string (*describe)(const std::string& text);
    void (*rethrow)(const std::string& where); // maps its own failures, else returns
};

bool is_postgres(const std::string& text) {
    return classify_store_text(text) == StoreTextKind::postgres;
}

bool is_unknown_uri(const std::string& text) {
    return classify_store_text(text) == StoreTextKind::unknown_uri;
}

const Backend kBackends[] = {
    {is_postgres, postgres::open_store, postgres::init_store, postgres::describe_store,
     [](const std::string&) {}}, // a module of its own: loaded only here (pg_module.hpp)
    {is_unknown_uri,             // refused, never taken for a file's name
     [](const StoreOptions& o, OpenMode) -> std::unique_ptr<Store> {
         check_store_text(o.path, "--db");
         return nullptr;
     },
     [](const StoreOptions& o, const std::optional<std::string>&, bool) {
         check_store_text(o.path, "--db");
         return InitReport{};
     },
     [](const std::string&) { return std::string("the store given by --db"); },
     [](const std::string&) {}},
    {[](const std::string&) { return true; }, // any other text is a file's path
     [](const StoreOptions& o, OpenMode m) -> std::unique_ptr<Store> {
         return sqlite::SqliteStore::open(o, m);
     },
     sqlite::SqliteStore::init, [](const std::string& text) { return text; },
     sqlite::rethrow_sqlite_error},
};

const Backend& backend_for(const std::string& text) {
    for (const auto& b : kBackends)
        if (b.handles(text)) return b;
    return kBackends[std::size(kBackends) - 1];
}

} // namespace

std::unique_ptr<Store> open_store(const StoreOptions& options, OpenMode mode) {
    return backend_for(options.path).open(options, mode);
}

InitReport init_store(const StoreOptions& options, const std::optional<std::string>& grant_to,
                      bool create) {
    return backend_for(options.path).init(options, grant_to, create);
}

std::unique_ptr<Store> memory_store() {
    return sqlite::SqliteStore::in_memory();
}

std::string describe_store(const std::string& text) {
    return backend_for(text).describe(text);
}

std::string resolve_store_path(const std::optional<std::string>& flag, bool* is_default) {
    if (is_default) *is_default = false;
    if (flag) {
        if (flag->empty())
            fail(ErrorKind::invalid_input, "--db is empty",
                 {"give the store's path or URI, or leave --db out to use $CHATCTL_DB or the "
                  "default store"});
        check_store_text(*flag, "--db");
        return *flag;
    }
    if (const char* env = std::getenv("CHATCTL_DB")) {
        if (!*env)
            fail(ErrorKind::invalid_input, "$CHATCTL_DB is set but empty",
                 {"set it to the store's path or URI, or unset it to use the default store"});
        check_store_text(env, "$CHATCTL_DB");
        return env;
    }
    if (is_default) *is_default = true;
    // The XDG specification: a relative XDG_DATA_HOME is invalid and must be ignored.
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg == '/')
        return std::string(xdg) + "/chatctl/chatctl.db";
    const char* home = std::getenv("HOME");
    if (!home || !*home)
        fail(ErrorKind::store, "cannot find the store: HOME is not set",
             {"give a path with --db PATH or CHATCTL_DB"});
    return std::string(home) + "/.local/share/chatctl/chatctl.db";
}

[[noreturn]] void rethrow_as_error(const std::string& store_text) {
    try {
        throw;
    } catch (const Error&) {
        throw;
    } catch (...) {
        for (const auto& b : kBackends) // a SQLite failure may come from a temporary database
            b.rethrow(describe_store(store_text));
    }
    try {
        throw;
    } catch (const std::bad_alloc&) {
        fail(ErrorKind::internal, "out of memory");
    } catch (const std::exception& e) {
        fail(ErrorKind::internal, e.what());
    } catch (...) {
        fail(ErrorKind::internal, "an unknown failure");
    }
}

} // namespace chatctl
