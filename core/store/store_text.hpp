// Which store the text --db (or $CHATCTL_DB) gives names, read as psql reads it, without
// libpq: a PostgreSQL URI or keyword/value string, a SQLite file's path, or a URI of a
// kind chatctl does not know, which is refused rather than taken for a file name.
#pragma once

#include <string>

namespace chatctl {

enum class StoreTextKind {
    file,        // a path
    postgres,    // postgresql:// or postgres:// in any letter case, or `keyword=value ...`
    unknown_uri, // `scheme:/...` or anything holding `://`: never a file
};

StoreTextKind classify_store_text(const std::string& text);

// Refuses (invalid input, naming `source`: "--db" or "$CHATCTL_DB") a text that names no
// store chatctl knows. The message never quotes the text: it may hold a password.
void check_store_text(const std::string& text, const std::string& source);

} // namespace chatctl
