// The --db text of a PostgreSQL store as libpq parses it (PQconninfoParse): the options a
// connection is made with, and the store's name as it may be shown, without its password
// (or any other secret option), whatever its characters or encoding. libpq's own parse
// errors quote the text back, so they are never shown: a text libpq cannot parse is named
// by the reason alone.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace chatctl::postgres {

using ConnOptions = std::vector<std::pair<std::string, std::string>>; // keyword, value

// The options the text gives (a URI's scheme may be in any letter case). Throws an
// invalid_input Error, naming the store without its text, when libpq cannot parse it.
ConnOptions parse_conninfo(const std::string& text);

// The options a connection is made with: those of the text, and chatctl's defaults for
// what it leaves out. connect_timeout is 10 s unless the text or $PGCONNECT_TIMEOUT gives
// one (`limit`, when given, is used whatever they say); TCP keepalives notice a server
// that is gone while a reply is awaited.
inline constexpr int kDefaultConnectTimeout = 10;
ConnOptions with_timeouts(ConnOptions options, std::optional<int> limit);

// Percent-encodes every byte but the unreserved ones of RFC 3986 and those in `keep`.
std::string uri_encode(const std::string& text, const char* keep = "");

// The store as it may be shown: a URI for a URI, keyword/value for keyword/value, each
// secret option as ***; "the PostgreSQL store given by --db (unparsable: REASON)" when
// libpq cannot parse it. Never throws.
std::string describe_conninfo(const std::string& text);

} // namespace chatctl::postgres
