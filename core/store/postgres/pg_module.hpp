// The PostgreSQL store is a module of its own (libchatctl-postgres.so, which links libpq),
// loaded the first time a store is a PostgreSQL one: a command on a SQLite file, --help
// and completion never map libpq and the libraries it brings (Kerberos, LDAP, TLS...).
// This header is what the binary and the module share; it includes nothing of libpq.
#pragma once

#include "core/store/store.hpp"

#include <memory>
#include <optional>
#include <string>

namespace chatctl::postgres {

// What the module hands over: its build mark and the entry points of the Backend table.
struct Module {
    const char* build; // kModuleBuild of the chatctl it was built with
    std::unique_ptr<Store> (*open)(const StoreOptions& options, OpenMode mode);
    InitReport (*init)(const StoreOptions& options, const std::optional<std::string>& grant_to,
                       bool create);
    std::string (*describe)(const std::string& text);
};

// The module and the binary must come from the same build of chatctl: the interface
// between them is C++ (its classes' layouts), not a stable ABI.
inline constexpr const char* kModuleBuild = "chatctl-postgres-3";

// The module, loaded on first use; a store error naming the package when it cannot be.
const Module& module();

// The Backend table's entries (core/store/store.cpp), each through module().
std::unique_ptr<Store> open_store(const StoreOptions& options, OpenMode mode);
InitReport init_store(const StoreOptions& options, const std::optional<std::string>& grant_to,
                      bool create);
std::string describe_store(const std::string& text);

} // namespace chatctl::postgres

// The module's one exported symbol.
extern "C" const chatctl::postgres::Module* chatctl_postgres_module();
