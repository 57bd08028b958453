#include "core/csv/dialect.hpp"

#include "core/csv/csv.hpp"
#include "core/error.hpp"
#include "core/model.hpp"
#include "core/validate.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <iconv.h>
#include <iterator>

namespace chatctl::csv {

namespace {

// The line and column (in characters, 1-based) of a byte of text that is UTF-8 before it.
Position place_of(std::string_view text, size_t offset) {
    Position at{1, 1};
    for (size_t i = 0; i < offset; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++at.line;
            at.column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++at.column;
        }
    }
    return at;
}

[[noreturn]] void refuse(const Source& source, Position at, const std::string& message,
                         const std::string& hint) {
    fail_with(ErrorKind::invalid_input,
              {Diagnostic{source.name, at.line, at.column, message + " (" + hint + ")"}});
}

bool starts_utf16(const Input& input) {
    char mark[2] = {};
    return input.read(0, mark, 2) == 2 &&
           ((mark[0] == '\xFF' && mark[1] == '\xFE') || (mark[0] == '\xFE' && mark[1] == '\xFF'));
}

// A UTF-8 file, checked a block at a time (a sequence may span two blocks).
Input checked_utf8(const Source& source) {
    const Input& input = source.input;
    std::string buffer;
    char chunk[1 << 16];
    Position at{1, 1};
    for (size_t offset = bom_size(input);;) {
        const size_t got = input.read(offset, chunk, sizeof chunk);
        offset += got;
        const bool last = got == 0;
        buffer.append(chunk, got);
        size_t i = 0;
        while (i < buffer.size()) {
            const auto c = static_cast<unsigned char>(buffer[i]);
            if (c < 0x80) {
                at = c == '\n' ? Position{at.line + 1, 1} : Position{at.line, at.column + 1};
                ++i;
                continue;
            }
            if (!last && buffer.size() - i < 4) break;
            char32_t cp = 0;
            if (!validate::next_code_point(buffer, i, cp))
                refuse(source, at, "the file is not valid UTF-8",
                       starts_utf16(input) ? "it starts with a UTF-16 byte order mark: "
                                             "--encoding utf-16 reads it"
                                           : "a file saved by a spreadsheet on Windows is often "
                                             "windows-1252: --encoding windows-1252 reads it");
            ++at.column;
        }
        buffer.erase(0, i);
        if (last) break;
    }
    return source.input;
}

// The name iconv knows an encoding by; an encoding chatctl does not read is a usage error.
const char* iconv_name(const std::string& encoding) {
    static const char* const iconv[] = {"UTF-8", "CP1252", "ISO-8859-1", "ISO-8859-15", "UTF-16"};
    static_assert(std::size(iconv) == std::size(kEncodings));
    for (size_t i = 0; i < std::size(kEncodings); ++i)
        if (fold(encoding) == kEncodings[i]) return iconv[i];
    fail(ErrorKind::invalid_input,
         "--encoding " + validate::quote(encoding) + " is not one chatctl reads",
         {"give utf-8, windows-1252, iso-8859-1, iso-8859-15 or utf-16"});
}

} // namespace

char detect_delimiter(const std::string& file, const Input& text,
                      const std::function<bool(const std::string&)>& counts, size_t min_fields) {
    std::string line(kMaxRecord, '\0');
    line.resize(text.read(bom_size(text), line.data(), line.size()));
    line.resize(std::min(line.size(), line.find('\n')));
    const Input head = Input::from_text(line);
    struct Split {
        char delimiter;
        size_t counted = 0, fields = 0;
    };
    std::vector<Split> splits;
    for (char d : kDelimiters) {
        Split split{d};
        (void)read(
            file, head,
            [&](Record& r) {
                split.fields = r.fields.size();
                for (const Field& f : r.fields)
                    split.counted += counts(f.text) ? 1 : 0;
            },
            d);
        if (split.fields >= min_fields) splits.push_back(split);
    }
    const Split* best = nullptr;
    for (const Split& s : splits)
        if (s.counted > 0 && (!best || s.counted > best->counted)) best = &s;
    for (const Split& s : splits)
        if (!best || (best->counted == 0 && s.fields > best->fields)) best = &s;
    return best ? best->delimiter : kDelimiters[0];
}

char delimiter_named(const std::string& name) {
    if (name == "," || name == ";" || name == "|" || name == "\t") return name[0];
    if (fold(name) == "tab") return '\t';
    fail(ErrorKind::invalid_input,
         "--delimiter " + validate::quote(name) + " is not one chatctl reads",
         {"give ',', ';', tab or '|'"});
}

std::string delimiter_shown(char delimiter) {
    return delimiter == '\t' ? "tab" : std::string("'") + delimiter + "'";
}

void check_encoding(const std::string& name) {
    (void)iconv_name(name);
}

Input utf8_text(const Source& source, const std::string& name) {
    const char* from = iconv_name(name);
    const std::string encoding = fold(name);
    if (encoding == "utf-8") return checked_utf8(source);
    if (encoding == "utf-16" && !starts_utf16(source.input))
        refuse(source, Position{1, 1}, "the file does not start with a UTF-16 byte order mark",
               "is it UTF-16? a file without the mark is read with another --encoding");
    iconv_t cd = ::iconv_open("UTF-8", from);
    if (reinterpret_cast<std::intptr_t>(cd) == -1) // iconv_open's (iconv_t)-1
        fail(ErrorKind::internal, std::string("cannot convert from ") + from + " to UTF-8");
    // A block at a time: a character cut by a block's end is carried to the next one.
    std::string out;
    char in[1 << 16], converted[1 << 16];
    size_t carried = 0;
    int error = 0;
    for (size_t offset = 0;;) {
        const size_t got = source.input.read(offset, in + carried, sizeof in - carried);
        offset += got;
        char* from_at = in;
        size_t left = carried + got;
        while (left > 0) {
            char* to = converted;
            size_t room = sizeof converted;
            const size_t done = ::iconv(cd, &from_at, &left, &to, &room);
            out.append(converted, static_cast<size_t>(to - converted));
            if (done != static_cast<size_t>(-1) || errno == E2BIG) continue;
            error = errno;
            break;
        }
        if (error == EILSEQ || (error == EINVAL && got == 0)) break;
        error = 0;
        carried = left;
        std::copy(from_at, from_at + left, in);
        if (got == 0) break;
    }
    ::iconv_close(cd);
    if (error != 0)
        refuse(source, place_of(out, out.size()),
               error == EINVAL ? "the file ends inside a character"
                               : "a byte that is no character of " + encoding,
               "is " + encoding + " the file's encoding?");
    return Input::from_text(std::move(out));
}

} // namespace chatctl::csv
