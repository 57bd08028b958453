#include "out_file.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace chatctl::cli {

namespace {

[[noreturn]] void cannot_write(const std::string& option, const std::string& path,
                               const std::string& why) {
    fail(ErrorKind::invalid_input, option + ": cannot write " + path + ": " + why,
         {"name a file in a folder you can write, or leave " + option + " out"});
}

std::string folder_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string reason(const char* what) {
    return std::string(what) + " (" + std::strerror(errno) + ")";
}

} // namespace

void check_out_path(const std::string& path, const std::string& option) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        cannot_write(option, path,
                     S_ISDIR(st.st_mode) ? "it is a folder" : "it is not a regular file");
    const std::string folder = folder_of(path);
    if (::stat(folder.c_str(), &st) != 0)
        cannot_write(option, path,
                     "its folder " + folder + " cannot be reached (" + std::strerror(errno) + ")");
    if (!S_ISDIR(st.st_mode)) cannot_write(option, path, folder + " is not a folder");
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        cannot_write(option, path,
                     "its folder " + folder + " is not writable (" + std::strerror(errno) + ")");
}

void write_replacing(const std::string& path, const std::string& option,
                     const std::function<void(std::ostream&)>& write) {
    std::string target = path;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        char resolved[PATH_MAX];
        if (!::realpath(path.c_str(), resolved))
            cannot_write(option, path, "its link leads nowhere");
        target = resolved;
    }
    const bool exists = ::stat(target.c_str(), &st) == 0;
    const std::string folder = folder_of(target);
    const std::string base = target.substr(target.rfind('/') + 1);
    std::string temp = folder + "/." + base + ".chatctl-XXXXXX";
    const int fd = ::mkstemp(temp.data()); // mode 0600 until set below
    if (fd < 0) cannot_write(option, path, reason("no file can be made beside it"));
    auto abandon = [&](const std::string& why) {
        ::unlink(temp.c_str());
        cannot_write(option, path, why);
    };
    const mode_t mask = ::umask(0);
    ::umask(mask);
    const bool moded = ::fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~mask)) == 0;
    const std::string mode_why = moded ? "" : reason("cannot set its mode");
    ::close(fd);
    if (!moded) abandon(mode_why);
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        try {
            write(out);
        } catch (...) {
            ::unlink(temp.c_str());
            throw;
        }
        out.flush();
        if (!out) abandon(reason("cannot write"));
    }
    const int sync = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
    const bool synced = sync >= 0 && ::fsync(sync) == 0;
    const std::string sync_why = synced ? "" : reason("cannot write");
    if (sync >= 0) ::close(sync);
    if (!synced) abandon(sync_why);
    if (::rename(temp.c_str(), target.c_str()) != 0) abandon(reason("cannot replace it"));
}

void check_plot_path(const std::string& path) {
    if (path.empty())
        fail(ErrorKind::invalid_input, "--plot must name the SVG file to write, not \"\"");
    if (path == "-")
        fail(ErrorKind::invalid_input,
             "--plot writes a file (plot.svg), not standard output: the figures go there");
    check_out_path(path, "--plot");
}

void write_plot(const std::string& path, const std::string& svg) {
    write_replacing(path, "--plot", [&](std::ostream& out) { out << svg; });
}

} // namespace chatctl::cli
