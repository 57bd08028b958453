// Loading the PostgreSQL module (pg_module.hpp), in the binary: beside the binary (the
// build tree), else in the package's library folder relative to it (an installed
// chatctl, wherever its prefix is). A module that cannot be found or loaded is a store
// error that names what to install; a SQLite store never comes here.
#include "core/error.hpp"
#include "core/store/postgres/pg_module.hpp"

#include <cstring>
#include <dlfcn.h>
#include <unistd.h>

// Set by core/CMakeLists.txt: the module's file name, and its folder relative to the
// installed binary's (e.g. ../lib/chatctl).
#ifndef CHATCTL_PG_MODULE_FILE
#define CHATCTL_PG_MODULE_FILE "libchatctl-postgres.so"
#endif
#ifndef CHATCTL_PG_MODULE_DIR
#define CHATCTL_PG_MODULE_DIR "../lib/chatctl"
#endif

// A program that links the store itself (the unit tests) has the entry point already.
extern "C" __attribute__((weak)) const chatctl::postgres::Module* chatctl_postgres_module();

namespace chatctl::postgres {

namespace {

const std::vector<std::string> kInstallHints = {
    "the PostgreSQL store is chatctl's module " CHATCTL_PG_MODULE_FILE
    ", shipped in the chatctl package with a dependency on libpq (Debian's libpq5): "
    "reinstall the chatctl package, or build chatctl with `bash scripts/build`",
    "a SQLite store (--db PATH) needs neither"};

std::string binary_dir() {
    std::string path(4096, '\0');
    const ssize_t n = readlink("/proc/self/exe", path.data(), path.size());
    if (n <= 0) return ".";
    path.resize(static_cast<size_t>(n));
    return path.substr(0, path.rfind('/'));
}

const Module& load() {
    if (chatctl_postgres_module) return *chatctl_postgres_module();
    const std::string dir = binary_dir();
    const std::string places[] = {dir + "/" CHATCTL_PG_MODULE_FILE,
                                  dir + "/" CHATCTL_PG_MODULE_DIR "/" CHATCTL_PG_MODULE_FILE};
    for (const auto& path : places) {
        if (access(path.c_str(), F_OK) != 0) continue;
        // Lazy, as the libraries a program links are bound: RTLD_NOW would bind every
        // function of libpq and the dozen libraries it brings, called or not (a quarter
        // more work for a PostgreSQL command). The module was linked with -z defs.
        void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
        if (!handle)
            fail(ErrorKind::store, std::string("cannot load the PostgreSQL module: ") + dlerror(),
                 kInstallHints);
        using Entry = const Module* (*)();
        auto entry = reinterpret_cast<Entry>(dlsym(handle, "chatctl_postgres_module"));
        const Module* m = entry ? entry() : nullptr;
        if (!m || std::strcmp(m->build, kModuleBuild) != 0)
            fail(ErrorKind::store, "the PostgreSQL module " + path + " is not this chatctl's",
                 kInstallHints);
        return *m; // kept loaded to the end of the process
    }
    fail(ErrorKind::store,
         "cannot use a PostgreSQL store: chatctl's PostgreSQL module is not installed (looked "
         "for " +
             places[0] + " and " + places[1] + ")",
         kInstallHints);
}

} // namespace

const Module& module() {
    static const Module& loaded = load(); // a failure is tried again on the next call
    return loaded;
}

std::unique_ptr<Store> open_store(const StoreOptions& options, OpenMode mode) {
    return module().open(options, mode);
}

InitReport init_store(const StoreOptions& options, const std::optional<std::string>& grant_to,
                      bool create) {
    return module().init(options, grant_to, create);
}

std::string describe_store(const std::string& text) {
    return module().describe(text);
}

} // namespace chatctl::postgres
