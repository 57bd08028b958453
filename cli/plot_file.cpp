#include "plot_file.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace chatctl::cli {

namespace {

[[noreturn]] void cannot_write(const std::string& path, const std::string& why) {
    fail(ErrorKind::invalid_input, "--plot: cannot write " + path + ": " + why,
         {"name a file in a folder you can write, or leave --plot out"});
}

std::string folder_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

void check_plot_path(const std::string& path) {
    if (path.empty())
        fail(ErrorKind::invalid_input, "--plot must name the SVG file to write, not \"\"");
    if (path == "-")
        fail(ErrorKind::invalid_input,
             "--plot writes a file (plot.svg), not standard output: the figures go there");
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        cannot_write(path, S_ISDIR(st.st_mode) ? "it is a folder" : "it is not a regular file");
    const std::string folder = folder_of(path);
    if (::stat(folder.c_str(), &st) != 0)
        cannot_write(path,
                     "its folder " + folder + " cannot be reached (" + std::strerror(errno) + ")");
    if (!S_ISDIR(st.st_mode)) cannot_write(path, folder + " is not a folder");
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        cannot_write(path,
                     "its folder " + folder + " is not writable (" + std::strerror(errno) + ")");
}

void write_plot(const std::string& path, const std::string& svg) {
    std::string target = path;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        char resolved[PATH_MAX];
        if (!::realpath(path.c_str(), resolved)) cannot_write(path, "its link leads nowhere");
        target = resolved;
    }
    const bool exists = ::stat(target.c_str(), &st) == 0;
    const std::string folder = folder_of(target);
    const std::string base = target.substr(target.rfind('/') + 1);
    std::string temp = folder + "/." + base + ".chatctl-XXXXXX";
    const int fd = ::mkstemp(temp.data()); // mode 0600 until set below
    if (fd < 0)
        cannot_write(path,
                     std::string("no file can be made beside it (") + std::strerror(errno) + ")");
    auto abandon = [&](const char* what) {
        const std::string why = std::string(what) + " (" + std::strerror(errno) + ")";
        ::close(fd);
        ::unlink(temp.c_str());
        cannot_write(path, why);
    };
    const mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~mask)) != 0)
        abandon("cannot set its mode");
    for (size_t done = 0; done < svg.size();) {
        const ssize_t n = ::write(fd, svg.data() + done, svg.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) abandon("cannot write");
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) abandon("cannot write");
    if (::close(fd) != 0) {
        const std::string why = std::string("cannot write (") + std::strerror(errno) + ")";
        ::unlink(temp.c_str());
        cannot_write(path, why);
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        const std::string why = std::string("cannot replace it (") + std::strerror(errno) + ")";
        ::unlink(temp.c_str());
        cannot_write(path, why);
    }
}

} // namespace chatctl::cli
