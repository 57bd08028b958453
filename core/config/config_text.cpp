#include "core/config/config_text.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace chatctl::config {

namespace {

constexpr const char* kBom = "\xEF\xBB\xBF";

size_t bom_length(const std::string& text) {
    return text.rfind(kBom, 0) == 0 ? 3 : 0;
}

bool plain_safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("_.@+/~-", c) != nullptr;
}

[[noreturn]] void write_failed(const std::string& path, const char* what) {
    fail(ErrorKind::invalid_input, "cannot write the config file " + path + ": " + what + " (" +
                                       std::strerror(errno) + "); it was left as it was");
}

} // namespace

std::string without_bom(const std::string& text) {
    return text.substr(bom_length(text));
}

size_t offset_of(const std::string& text, const YAML::Mark& mark) {
    if (mark.pos < 0) return std::string::npos;
    return static_cast<size_t>(mark.pos) + bom_length(text);
}

Place place_of(const std::string& text, const YAML::Mark& mark) {
    const size_t at = offset_of(text, mark);
    if (at == std::string::npos || at > text.size()) return {};
    Place p{1, 1};
    for (size_t i = bom_length(text); i < at; ++i) {
        if (text[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++p.column; // a character's first byte
        }
    }
    return p;
}

size_t scalar_end(const std::string& text, size_t start, bool in_flow) {
    if (start >= text.size()) return std::string::npos;
    const char first = text[start];
    if (first == '"') {
        for (size_t i = start + 1; i < text.size(); ++i) {
            if (text[i] == '\\')
                ++i;
            else if (text[i] == '"')
                return i + 1;
        }
        return std::string::npos;
    }
    if (first == '\'') {
        for (size_t i = start + 1; i < text.size(); ++i)
            if (text[i] == '\'') {
                if (i + 1 < text.size() && text[i + 1] == '\'')
                    ++i;
                else
                    return i + 1;
            }
        return std::string::npos;
    }
    if (std::strchr("|>{[!&*", first)) return std::string::npos;
    // A plain scalar: to a comment, the end of the line, or (in a flow mapping) , } ].
    size_t end = start;
    auto stops = [&](size_t i) {
        const char c = text[i], next = i + 1 < text.size() ? text[i + 1] : '\n';
        return c == '\n' || c == '\r' || (in_flow && std::strchr(",}]", c)) ||
               (c == ':' && std::strchr(" \t\r\n", next)); // a key's end
    };
    while (end < text.size() && !stops(end) &&
           !(text[end] == '#' && (text[end - 1] == ' ' || text[end - 1] == '\t')))
        ++end;
    while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        --end;
    return end;
}

std::string yaml_scalar(const std::string& value) {
    // Not a number either (2024 would be read as one by YAML readers other than yaml-cpp).
    bool plain =
        !value.empty() && (!std::strchr("-.@~0123456789", value[0]) || value.rfind("~/", 0) == 0);
    for (char c : value)
        plain = plain && plain_safe(c);
    for (const char* word : {"null", "Null", "NULL", "true", "True", "TRUE", "false", "False",
                             "FALSE", "yes", "no", "on", "off"})
        plain = plain && value != word;
    if (plain) return value;
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

void replace_file(const std::string& path, const std::string& text, bool exists) {
    std::string target = path;
    struct stat st {};
    if (exists && ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        char resolved[PATH_MAX];
        if (!::realpath(path.c_str(), resolved)) write_failed(path, "cannot follow its link");
        target = resolved;
    }
    const size_t slash = target.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : target.substr(0, slash);
    const std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
    std::string temp = dir + "/." + base + ".chatctl-XXXXXX";
    const int fd = ::mkstemp(temp.data()); // mode 0600
    if (fd < 0) write_failed(path, "cannot create a temporary file beside it");
    auto abandon = [&](const char* what) {
        const int saved = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        errno = saved;
        write_failed(path, what);
    };
    if (exists && ::stat(target.c_str(), &st) == 0 && ::fchmod(fd, st.st_mode & 07777) != 0)
        abandon("cannot keep its mode");
    for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) abandon("cannot write");
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) abandon("cannot write");
    if (::close(fd) != 0) {
        ::unlink(temp.c_str());
        write_failed(path, "cannot write");
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        const int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        write_failed(path, "cannot replace it");
    }
    if (const int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY); d >= 0) {
        ::fsync(d);
        ::close(d);
    }
}

} // namespace chatctl::config
