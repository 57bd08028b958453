#include "core/store/store_text.hpp"

#include "core/error.hpp"

#include <cctype>

namespace chatctl {

namespace {

bool alpha(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

bool alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// The length of a URI scheme (RFC 3986: a letter, then letters, digits, + - .) followed by
// ':' at the start of the text; 0 when there is none.
size_t scheme_length(const std::string& text) {
    if (text.empty() || !alpha(text[0])) return 0;
    size_t n = 1;
    while (n < text.size() &&
           (alnum(text[n]) || text[n] == '+' || text[n] == '-' || text[n] == '.'))
        ++n;
    return n < text.size() && text[n] == ':' ? n : 0;
}

bool equals_ignoring_case(const std::string& text, size_t length, const char* word) {
    size_t i = 0;
    for (; i < length && word[i]; ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != word[i]) return false;
    return i == length && !word[i];
}

// libpq's keyword/value form, as psql tells it from a database name: here, a text that
// starts with a keyword (letters, digits, `_`) and `=`, spaces allowed around them.
bool keyword_value(const std::string& text) {
    size_t at = text.find_first_not_of(" \t\n\r\f\v");
    if (at == std::string::npos || !(alpha(text[at]) || text[at] == '_')) return false;
    while (at < text.size() && (alnum(text[at]) || text[at] == '_'))
        ++at;
    at = text.find_first_not_of(" \t\n\r\f\v", at);
    return at != std::string::npos && text[at] == '=';
}

} // namespace

StoreTextKind classify_store_text(const std::string& text) {
    if (const size_t scheme = scheme_length(text)) {
        const bool slashes = text.compare(scheme, 3, "://") == 0;
        if (slashes && (equals_ignoring_case(text, scheme, "postgresql") ||
                        equals_ignoring_case(text, scheme, "postgres")))
            return StoreTextKind::postgres;
        if (scheme + 1 < text.size() && text[scheme + 1] == '/') return StoreTextKind::unknown_uri;
    }
    if (keyword_value(text)) return StoreTextKind::postgres;
    if (text.find("://") != std::string::npos) return StoreTextKind::unknown_uri;
    return StoreTextKind::file;
}

void check_store_text(const std::string& text, const std::string& source) {
    if (classify_store_text(text) != StoreTextKind::unknown_uri) return;
    fail(ErrorKind::invalid_input,
         source + " looks like a URI, but not one of a store chatctl knows",
         {"a PostgreSQL store is a postgresql:// or postgres:// URI, or libpq's keyword/value "
          "form (host=... dbname=...); a SQLite store is a file's path (write ./NAME for a "
          "file whose name holds \"://\")"});
}

} // namespace chatctl
