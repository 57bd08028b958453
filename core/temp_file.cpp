#include "core/temp_file.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace chatctl {

std::string temp_folder() {
    const char* dir = std::getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp";
}

std::FILE* unnamed_temp_file() {
    const std::string dir = temp_folder();
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 && errno != ENOENT && errno != ENOTDIR && errno != EACCES) {
        // No O_TMPFILE on this filesystem: a name for as long as it takes to remove it.
        std::string path = dir + "/chatctl-XXXXXX";
        fd = ::mkostemp(path.data(), O_CLOEXEC);
        if (fd >= 0) ::unlink(path.c_str());
    }
    if (fd >= 0 && fd <= STDERR_FILENO) { // a closed standard stream must stay closed
        int high = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
        const int saved = errno;
        ::close(fd);
        fd = high;
        errno = saved;
    }
    std::FILE* file = fd < 0 ? nullptr : ::fdopen(fd, "w+b");
    if (!file) {
        const int saved = errno;
        if (fd >= 0) ::close(fd);
        fail(ErrorKind::internal,
             "cannot make a temporary file in " + dir + ": " + std::strerror(saved),
             {"set $TMPDIR to a folder with room that chatctl may write"});
    }
    return file;
}

} // namespace chatctl
