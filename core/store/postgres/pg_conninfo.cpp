#include "core/store/postgres/pg_conninfo.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <libpq-fe.h>
#include <memory>

namespace chatctl::postgres {

namespace {

bool is_uri(const std::string& text) {
    for (const char* scheme : {"postgresql://", "postgres://"}) {
        const std::string s = scheme;
        if (text.size() >= s.size() &&
            std::equal(s.begin(), s.end(), text.begin(), [](char a, char b) {
                return a == std::tolower(static_cast<unsigned char>(b));
            }))
            return true;
    }
    return false;
}

// libpq reads a URI's scheme in lower case only; psql's users write it in any.
std::string lower_scheme(std::string text) {
    if (!is_uri(text)) return text;
    for (size_t i = 0; text[i] != ':'; ++i)
        text[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    return text;
}

// Why libpq could not parse the text, in words that quote nothing of it: its messages
// quote the text (a malformed URI whole, the password with it).
std::string parse_reason(const char* libpq_message) {
    const std::string m = libpq_message ? libpq_message : "";
    static const std::pair<const char*, const char*> kReasons[] = {
        {"invalid percent-encoded token", "an invalid percent-encoded token"},
        {"forbidden value %00", "a percent-encoded NUL byte"},
        {"end of string reached when looking for matching \"]\"",
         "an IPv6 address without its closing ]"},
        {"IPv6 host address may not be empty", "an empty IPv6 address"},
        {"unexpected character", "an unexpected character in the URI"},
        {"extra key/value separator", "a parameter with two ="},
        {"missing key/value separator", "a parameter without ="},
        {"invalid URI query parameter", "an unknown URI parameter"},
        {"invalid connection option", "an unknown connection option"},
        {"missing \"=\" after", "a keyword without ="},
        {"unterminated quoted string", "an unterminated quoted value"},
        {"out of memory", "out of memory"},
    };
    for (const auto& [start, reason] : kReasons)
        if (m.find(start) != std::string::npos) return reason;
    return "libpq cannot parse it";
}

using Parsed = std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)>;

const char* option(const PQconninfoOption* options, const char* keyword) {
    for (const PQconninfoOption* o = options; o->keyword; ++o)
        if (std::string(o->keyword) == keyword) return o->val;
    return nullptr;
}

// A URI libpq reads otherwise than it was meant: a raw / in the password ends the
// authority there (the rest of the password becomes the port and the path), a raw @ in it
// goes into the host. Either would show part of the password as a host, port or database.
const char* misread_uri(const std::string& text, const PQconninfoOption* options) {
    const size_t authority = text.find("://") + 3;
    const size_t path = text.find('/', authority);
    if (path != std::string::npos && text.find('@', path) < text.find('?', path))
        return "an @ after the first / (percent-encode / in a password as %2F)";
    const char* host = option(options, "host");
    if (host && std::string(host).find('@') != std::string::npos)
        return "an @ in the host (percent-encode @ in a password as %40)";
    return nullptr;
}

// The options libpq reads from the text, or none with the reason.
Parsed parse(const std::string& text, std::string& reason) {
    char* error = nullptr;
    Parsed options(PQconninfoParse(lower_scheme(text).c_str(), &error), PQconninfoFree);
    if (!options) reason = parse_reason(error);
    if (error) PQfreemem(error);
    if (options && is_uri(text))
        if (const char* why = misread_uri(text, options.get())) {
            reason = why;
            options.reset();
        }
    return options;
}

bool secret(const PQconninfoOption& o) {
    return o.dispchar && o.dispchar[0] == '*';
}

} // namespace

std::string uri_encode(const std::string& text, const char* keep) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
            (c && std::string(keep).find(static_cast<char>(c)) != std::string::npos)) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    return out;
}

namespace {

// A keyword/value value, quoted as libpq reads it back when it needs to be.
std::string quote_value(const std::string& value) {
    if (!value.empty() && value.find_first_of(" \t\n\r\f\v'\\") == std::string::npos) return value;
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string describe_uri(const PQconninfoOption* options) {
    std::string user, host, port, dbname, query;
    bool password = false;
    for (const PQconninfoOption* o = options; o->keyword; ++o) {
        if (!o->val) continue;
        const std::string key = o->keyword;
        if (key == "password")
            password = true;
        else if (key == "user")
            user = o->val;
        else if (key == "host")
            host = o->val;
        else if (key == "port")
            port = o->val;
        else if (key == "dbname")
            dbname = o->val;
        else
            query += (query.empty() ? "?" : "&") + key + "=" +
                     (secret(*o) ? "***" : uri_encode(o->val, "/:,@"));
    }
    std::string authority;
    if (!user.empty() || password) authority = uri_encode(user) + (password ? ":***" : "") + "@";
    // A socket folder, or several hosts or ports, go among the parameters, as libpq takes them.
    if (host.find_first_of("/,") != std::string::npos || port.find(',') != std::string::npos) {
        std::string moved = "host=" + uri_encode(host, "/:,@");
        if (!port.empty()) moved += "&port=" + uri_encode(port, ",");
        query = query.empty() ? "?" + moved : "?" + moved + "&" + query.substr(1);
    } else {
        authority += host.find(':') != std::string::npos ? "[" + host + "]" : uri_encode(host);
        if (!port.empty()) authority += ":" + uri_encode(port);
    }
    return "postgresql://" + authority + "/" + uri_encode(dbname) + query;
}

std::string describe_keywords(const PQconninfoOption* options) {
    std::string out;
    for (const PQconninfoOption* o = options; o->keyword; ++o)
        if (o->val)
            out += (out.empty() ? "" : " ") + std::string(o->keyword) + "=" +
                   (secret(*o) ? "***" : quote_value(o->val));
    return out;
}

} // namespace

ConnOptions parse_conninfo(const std::string& text) {
    std::string reason;
    Parsed options = parse(text, reason);
    if (!options)
        fail(ErrorKind::invalid_input,
             "cannot parse the PostgreSQL connection given by --db: " + reason,
             {"check the URI (postgresql://USER@HOST:PORT/DATABASE?...) or keyword/value "
              "string (host=... dbname=...) given with --db or CHATCTL_DB; percent-encode "
              "characters such as ? # / @ % : in a URI's password"});
    ConnOptions out;
    for (const PQconninfoOption* o = options.get(); o->keyword; ++o)
        if (o->val) out.emplace_back(o->keyword, o->val);
    return out;
}

ConnOptions with_timeouts(ConnOptions options, std::optional<int> limit) {
    auto given = [&](const std::string& key) {
        return std::any_of(options.begin(), options.end(),
                           [&](const auto& o) { return o.first == key; });
    };
    if (limit) {
        options.erase(std::remove_if(options.begin(), options.end(),
                                     [](const auto& o) { return o.first == "connect_timeout"; }),
                      options.end());
        options.emplace_back("connect_timeout", std::to_string(*limit));
    } else if (const char* env = std::getenv("PGCONNECT_TIMEOUT");
               !given("connect_timeout") && !(env && *env)) {
        options.emplace_back("connect_timeout", std::to_string(kDefaultConnectTimeout));
    }
    // A server gone while chatctl awaits its reply (a host down, a network cut): noticed
    // after some 10 s without an answer to the kernel's probes, unless the text says.
    for (auto [key, value] :
         {std::pair{"keepalives", "1"}, std::pair{"keepalives_idle", "5"},
          std::pair{"keepalives_interval", "2"}, std::pair{"keepalives_count", "3"}})
        if (!given(key)) options.emplace_back(key, value);
    return options;
}

std::string describe_conninfo(const std::string& text) {
    std::string reason;
    Parsed options = parse(text, reason);
    if (!options) return "the PostgreSQL store given by --db (unparsable: " + reason + ")";
    return is_uri(text) ? describe_uri(options.get()) : describe_keywords(options.get());
}

} // namespace chatctl::postgres
