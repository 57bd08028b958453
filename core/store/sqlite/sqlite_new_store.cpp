// A store this command creates: built under a temporary name in its folder (made when
// it is the default location), the folder locked against other first writers, and put in
// place by its first commit, or removed with the folders made for it.
#include "core/error.hpp"
#include "core/store/sqlite/sqlite_store.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace chatctl::sqlite {

namespace {

bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// mkdir -p of the store's folder, each folder it creates 0700 whatever the umask; returns
// those it created.
std::vector<std::string> make_folders(const std::string& path) {
    std::vector<std::string> made;
    for (size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
        std::string folder = path.substr(0, pos);
        if (::mkdir(folder.c_str(), 0700) == 0) {
            ::chmod(folder.c_str(), 0700);
            made.push_back(folder);
        } else if (errno != EEXIST) {
            for (auto it = made.rbegin(); it != made.rend(); ++it)
                ::rmdir(it->c_str());
            store_fail("cannot create folder " + folder + ": " + std::strerror(errno));
        }
    }
    return made;
}

std::string folder_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// The folder's lock, which makes first writers of one path wait for each other as writers
// of a store do (--lock-timeout): a file descriptor holding flock, or a store error.
int lock_folder(const std::string& folder, const std::string& path, int lock_timeout_seconds) {
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) store_fail("cannot create the store " + path + ": " + std::strerror(errno));
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(lock_timeout_seconds);
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) break; // a folder without flock: no wait
        if (std::chrono::steady_clock::now() >= deadline) {
            ::close(fd);
            fail_locked(path, read_writer_record(path)); // another first writer
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return fd;
}

} // namespace

std::unique_ptr<SqliteStore::NewStore> SqliteStore::NewStore::make(const StoreOptions& options) {
    if (file_exists(options.path)) return nullptr;
    auto new_store = std::make_unique<NewStore>();
    new_store->path = options.path;
    const std::string folder = folder_of(options.path);
    if (!file_exists(folder)) {
        if (!options.make_folders)
            store_fail("cannot create the store " + options.path + ": the folder " + folder +
                           " does not exist",
                       {"create the folder first, or check the path given with --db or "
                        "CHATCTL_DB; chatctl makes folders only for its default store"});
        new_store->folders = make_folders(options.path);
    }
    new_store->folder_lock = lock_folder(folder, options.path, options.lock_timeout_seconds);
    if (file_exists(options.path)) return nullptr; // another first writer may have won
    // No one else builds one now: a temporary file left is a killed writer's.
    const std::string name = options.path.substr(options.path.rfind('/') + 1);
    new_store->temporary = folder + "/." + name + ".chatctl-new";
    for (const char* suffix : {"", "-journal"})
        ::unlink((new_store->temporary + suffix).c_str());
    int fd = ::open(new_store->temporary.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) store_fail("cannot create the store " + options.path + ": " + std::strerror(errno));
    ::fchmod(fd, 0600);
    ::close(fd);
    return new_store;
}

void SqliteStore::put_in_place() {
    if (!new_ || new_->placed) return;
    // The file is whole on disk (synchronous=FULL, a rollback journal while it is built).
    // Moved without replacing a file another program made meanwhile; where the file
    // system cannot say so in one step, linked, then its temporary name removed.
    int moved =
        ::renameat2(AT_FDCWD, new_->temporary.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE);
    if (moved != 0 && errno == EINVAL) {
        moved = ::link(new_->temporary.c_str(), path_.c_str());
        if (moved == 0) ::unlink(new_->temporary.c_str());
    }
    if (moved != 0) {
        const int why = errno;
        store_fail("cannot create the store " + path_ + ": " + std::strerror(why) +
                       "; nothing was written",
                   {why == EEXIST ? "a program other than chatctl created the file meanwhile; "
                                    "run the command again"
                                  : "check the folder's permissions and free space"});
    }
    new_->placed = true;
    ::fsync(new_->folder_lock);
    // From now on, the store at its place, in WAL mode as every store.
    statements_.clear();
    db_ = SQLite::Database(path_, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX, lock_timeout_ms_);
    db_.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA journal_mode = WAL");
    if (on_created_) on_created_(path_);
}

SqliteStore::NewStore::~NewStore() {
    if (!placed && !temporary.empty()) {
        for (const char* suffix : {"", "-journal"})
            ::unlink((temporary + suffix).c_str());
        for (auto it = folders.rbegin(); it != folders.rend(); ++it)
            ::rmdir(it->c_str()); // only when empty
    }
    if (folder_lock >= 0) ::close(folder_lock);
}

} // namespace chatctl::sqlite
