#include "core/decl/input.hpp"

#include "core/validate.hpp"

#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace chatctl {

struct Input::Impl {
    std::string text; // when read from memory
    int fd = -1;      // when read from a file
    size_t size = 0;
    ~Impl() {
        if (fd >= 0) ::close(fd);
    }
};

Input Input::from_text(std::string text) {
    auto impl = std::make_shared<Impl>();
    impl->size = text.size();
    impl->text = std::move(text);
    Input in;
    in.impl_ = std::move(impl);
    return in;
}

Input Input::from_fd(int fd, size_t size) {
    auto impl = std::make_shared<Impl>();
    impl->fd = fd;
    impl->size = size;
    Input in;
    in.impl_ = std::move(impl);
    return in;
}

size_t Input::size() const {
    return impl_->size;
}

size_t Input::read(size_t offset, char* out, size_t n) const {
    if (offset >= impl_->size) return 0;
    n = std::min(n, impl_->size - offset);
    if (impl_->fd < 0) {
        std::memcpy(out, impl_->text.data() + offset, n);
        return n;
    }
    size_t done = 0;
    while (done < n) {
        ssize_t got = ::pread(impl_->fd, out + done, n - done, static_cast<off_t>(offset + done));
        if (got <= 0) break; // the file shrank or failed: the reader sees its end
        done += static_cast<size_t>(got);
    }
    return done;
}

size_t bom_size(const Input& input) {
    char head[3];
    return input.read(0, head, 3) == 3 && std::memcmp(head, kBom, 3) == 0 ? 3 : 0;
}

namespace {

Diagnostic refused(const std::string& file, int line, int column, char32_t cp) {
    char code[12];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
    bool control = cp < 0xa0;
    return Diagnostic{file, line, column,
                      std::string(control ? "the control character " : "the character ") + code +
                          " is not allowed in a declaration" +
                          (control ? "" : " (YAML takes it only as an escape in double quotes)")};
}

bool printable(char c) {
    auto b = static_cast<unsigned char>(c);
    return b >= 0x20 && b < 0x7f;
}

} // namespace

std::optional<Diagnostic> check_bytes(const std::string& file, const Input& input) {
    std::string buffer;
    char chunk[1 << 16];
    size_t offset = bom_size(input);
    int line = 1, column = 1;
    std::optional<Diagnostic> control; // reported only when the whole file is UTF-8
    for (;;) {
        size_t got = input.read(offset, chunk, sizeof chunk);
        offset += got;
        const bool last = got == 0 || offset >= input.size();
        buffer.append(chunk, got);
        size_t i = 0;
        while (i < buffer.size()) {
            // A run of printable ASCII, most of any declaration, at a byte a step.
            const size_t run = i;
            while (i < buffer.size() && printable(buffer[i]))
                ++i;
            column += static_cast<int>(i - run);
            if (i == buffer.size()) break;
            auto c = static_cast<unsigned char>(buffer[i]);
            if (c < 0x80) { // ASCII: most of any declaration
                if (c == '\n') {
                    ++line;
                    column = 1;
                } else {
                    if (!control && ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f))
                        control = refused(file, line, column, c);
                    ++column;
                }
                ++i;
                continue;
            }
            if (!last && buffer.size() - i < 4) break; // the sequence may go on in the next chunk
            char32_t cp = 0;
            if (!validate::next_code_point(buffer, i, cp))
                return Diagnostic{file, line, column, "the file is not valid UTF-8"};
            // The C1 controls (NEL among them, which YAML 1.1 reads as a line break), the
            // line and paragraph separators, and U+FFFE and U+FFFF, which YAML allows only
            // as escapes.
            if (!control && ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
                             cp == 0xfffe || cp == 0xffff))
                control = refused(file, line, column, cp);
            ++column;
        }
        buffer.erase(0, i);
        if (last) break;
    }
    return control;
}

} // namespace chatctl
