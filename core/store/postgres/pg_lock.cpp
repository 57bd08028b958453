#include "core/store/postgres/pg_lock.hpp"

#include <cstdlib>
#include <unistd.h>
#include <vector>

namespace chatctl::postgres {

namespace {

constexpr size_t kMaxName = 63; // NAMEDATALEN - 1: the server cuts the rest
const char* const kPrefix = "chatctl/";

std::string this_host() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

// Printable ASCII but for the separators and '%' as is, every other byte as %XX: the
// server replaces any other character of an application_name with '?'.
std::string encode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text)
        if (c >= 0x20 && c < 0x7f && c != '%' && c != '|' && c != '@')
            out += static_cast<char>(c);
        else
            out += {'%', hex[c >> 4], hex[c & 0xf]};
    return out;
}

std::string decode(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const std::string hex = text.substr(i + 1, 2);
            char* end = nullptr;
            const long byte = std::strtol(hex.c_str(), &end, 16);
            if (end == hex.c_str() + 2) {
                out += static_cast<char>(byte);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

// An encoded field cut to at most `room` bytes, never inside a %XX, marked "..." when cut.
std::string cut(const std::string& encoded, size_t room) {
    if (encoded.size() <= room) return encoded;
    if (room < 3) return "";
    size_t keep = room - 3;
    for (size_t back = 1; back <= 2 && back <= keep; ++back)
        if (encoded[keep - back] == '%') keep -= back;
    return encoded.substr(0, keep) + "...";
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts(1);
    for (char c : text)
        if (c == separator)
            parts.emplace_back();
        else
            parts.back() += c;
    return parts;
}

} // namespace

std::string writer_application_name(const Writer& writer) {
    const std::string head = kPrefix + cut(encode(writer.command), 24) + "|";
    const std::string pid = std::to_string(::getpid());
    std::string actor = encode(writer.actor), host = encode(this_host());
    // The actor first: who it is matters most; then the process and its host.
    const size_t fixed = head.size() + 1 + pid.size() + 1;
    if (fixed + actor.size() + host.size() > kMaxName)
        host = cut(host, kMaxName > fixed + actor.size() ? kMaxName - fixed - actor.size() : 0);
    if (fixed + actor.size() + host.size() > kMaxName)
        actor = cut(actor, kMaxName - fixed - host.size()); // fixed is at most 45 bytes
    return head + actor + "|" + pid + "@" + host;
}

std::optional<WriteLockHolder> lock_holder(Conn& conn) {
    // Another role's session shows its application_name to all, its times only to a role
    // with pg_read_all_stats (or a superuser): then "since" is unknown.
    Result r = conn.query(
        "SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), "
        "coalesce(to_char(coalesce(a.xact_start, a.query_start) AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), '') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND l.classid = 1667785076 AND l.objid = 6517868 LIMIT 1");
    if (r.rows() == 0) return std::nullopt;
    WriteLockHolder holder;
    holder.since = r.text(0, 3);
    const std::string name = r.text(0, 1);
    const auto parts = split(name, '|');
    const auto place = parts.size() == 3 ? split(parts[2], '@') : std::vector<std::string>{};
    if (name.rfind(kPrefix, 0) == 0 && place.size() == 2) {
        holder.command = decode(parts[0].substr(std::char_traits<char>::length(kPrefix)));
        holder.actor = decode(parts[1]);
        holder.pid = std::strtoll(place[0].c_str(), nullptr, 10);
        holder.host = decode(place[1]);
        return holder;
    }
    holder.other = "session " + r.text(0, 0) + " of role " + r.text(0, 2) +
                   (name.empty() ? "" : " (application " + name + ")");
    return holder;
}

} // namespace chatctl::postgres
