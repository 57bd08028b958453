// Where a declaration is read from: files, folders of them, standard input.
#include "core/decl/declaration.hpp"
#include "core/temp_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace chatctl {

namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxDeclarationBytes = uintmax_t{512} << 20;

// Standard input copied to an unnamed temporary file, or nullopt once it holds more than
// kMaxDeclarationBytes (it has no size to look at first: `yes | chatctl plan -f -`
// never ends by itself).
std::optional<Input> spool_stdin() {
    std::FILE* spool = unnamed_temp_file();
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(spool, &std::fclose);
    char buffer[1 << 16];
    size_t total = 0;
    while (std::cin.read(buffer, sizeof buffer).gcount() > 0) {
        auto n = static_cast<size_t>(std::cin.gcount());
        total += n;
        if (total > kMaxDeclarationBytes) return std::nullopt;
        if (std::fwrite(buffer, 1, n, spool) != n)
            fail(ErrorKind::internal, "cannot write standard input to a temporary file");
    }
    if (std::fflush(spool) != 0)
        fail(ErrorKind::internal, "cannot write standard input to a temporary file");
    int fd = ::dup(::fileno(spool));
    if (fd < 0)
        fail(ErrorKind::internal,
             std::string("cannot read standard input: ") + std::strerror(errno));
    return Input::from_fd(fd, total);
}

// The name a folder's file is skipped for: an editor's swap, lock or backup file.
bool editor_file(const fs::path& path) {
    std::string name = path.filename().string();
    return name.empty() || name[0] == '.' || name.back() == '~';
}

} // namespace

Sources read_sources(const std::vector<std::string>& paths) {
    Sources out;
    std::vector<Diagnostic>& problems = out.problems;
    std::vector<fs::path> seen; // the files read, by their real path
    bool stdin_read = false;
    auto read_file = [&](const std::string& path) {
        std::error_code ec;
        fs::path real = fs::canonical(path, ec);
        if (!ec) {
            if (std::find(seen.begin(), seen.end(), real) != seen.end()) return;
            seen.push_back(real);
        }
        // Only regular files: a FIFO or a device would block or never end.
        auto status = fs::status(path, ec);
        if (!ec && status.type() != fs::file_type::regular) {
            problems.push_back(Diagnostic{path, 0, 0, "not a regular file"});
            return;
        }
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st {};
        if (fd < 0 || ::fstat(fd, &st) != 0) {
            problems.push_back(
                Diagnostic{path, 0, 0, std::string("cannot read: ") + std::strerror(errno)});
            if (fd >= 0) ::close(fd);
            return;
        }
        // Read up to the size it had once opened, even if it grows since.
        auto size = static_cast<uintmax_t>(st.st_size);
        if (!S_ISREG(st.st_mode) || size > kMaxDeclarationBytes) {
            problems.push_back(Diagnostic{
                path, 0, 0, S_ISREG(st.st_mode) ? "larger than 512 MiB" : "not a regular file"});
            ::close(fd);
            return;
        }
        out.files.push_back(Source{path, Input::from_fd(fd, static_cast<size_t>(size))});
    };
    for (const auto& path : paths) {
        if (path == "-") {
            if (!stdin_read) {
                if (auto input = spool_stdin())
                    out.files.push_back(Source{"-", std::move(*input)});
                else
                    problems.push_back(Diagnostic{"-", 0, 0, "larger than 512 MiB"});
            }
            stdin_read = true;
            continue;
        }
        std::error_code ec;
        if (!fs::is_directory(path, ec)) {
            read_file(path);
            continue;
        }
        std::vector<std::string> files;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            std::string ext = entry.path().extension().string();
            if ((ext == ".yaml" || ext == ".yml") && !entry.is_directory() &&
                !editor_file(entry.path()))
                files.push_back(entry.path().string());
        }
        std::sort(files.begin(), files.end());
        if (files.empty())
            problems.push_back(Diagnostic{path, 0, 0, "the folder has no .yaml or .yml file"});
        for (const auto& f : files)
            read_file(f);
    }
    return out;
}

} // namespace chatctl
