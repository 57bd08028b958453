#include "core/validate.hpp"

#include "core/error.hpp"
#include "core/model.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace chatctl::validate {

namespace {

constexpr size_t kQuoteLimit = 60;

[[noreturn]] void invalid(std::string_view field, std::string_view value, std::string_view why,
                          std::string_view allowed) {
    fail(ErrorKind::invalid_input, std::string(field) + ": " + quote(value) + " " +
                                       std::string(why) + " (allowed: " + std::string(allowed) +
                                       ")");
}

bool is_control(char32_t c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

// Checks free text: valid UTF-8, no control characters, at most max_len code points.
void text(std::string_view value, std::string_view field, size_t min_len, size_t max_len,
          std::string_view allowed) {
    size_t count = 0;
    for (size_t i = 0; i < value.size(); ++count) {
        char32_t c = 0;
        if (!next_code_point(value, i, c)) invalid(field, value, "is not valid UTF-8", allowed);
        if (is_control(c)) invalid(field, value, "contains a control character", allowed);
    }
    if (count < min_len) invalid(field, value, "is empty", allowed);
    if (count > max_len)
        invalid(field, value, "is too long (" + std::to_string(count) + " characters)", allowed);
}

bool only_chars(std::string_view value, std::string_view extra) {
    for (char c : value) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  extra.find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    return true;
}

void range(int64_t value, std::string_view field, int lo, int hi, std::string_view unit = "") {
    if (value < lo || value > hi)
        invalid(field, std::to_string(value), "is out of range",
                std::to_string(lo) + "-" + std::to_string(hi) + std::string(unit));
}

// Edits (insert, delete, replace, swap two neighbours) from a to b.
size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min(
                {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

// 1 to max characters of A-Z, a-z, 0-9 and the marks given.
void word(std::string_view value, std::string_view field, size_t max, std::string_view marks,
          std::string_view allowed) {
    if (value.empty()) invalid(field, value, "is empty", allowed);
    if (value.size() > max)
        invalid(field, value, "is too long (" + std::to_string(value.size()) + " characters)",
                allowed);
    for (char c : value) {
        bool ok = (c >= 'A' && c <= 'Z') || only_chars(std::string_view(&c, 1), marks);
        if (!ok) invalid(field, value, "has a character not allowed", allowed);
    }
}

} // namespace

bool next_code_point(std::string_view text, size_t& i, char32_t& out) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    int extra = lead < 0x80           ? 0
                : (lead >> 5) == 0x6  ? 1
                : (lead >> 4) == 0xe  ? 2
                : (lead >> 3) == 0x1e ? 3
                                      : -1;
    if (extra < 0) return false;
    char32_t c = extra == 0 ? lead : lead & (0x3f >> extra);
    for (int k = 1; k <= extra; ++k) {
        if (i + k >= text.size() || (byte(i + k) & 0xc0) != 0x80) return false;
        c = (c << 6) | (byte(i + k) & 0x3f);
    }
    static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (c < kMin[extra] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return false;
    i += extra + 1;
    out = c;
    return true;
}

std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
    if (word.size() > 64) return ""; // nothing is near, and the distance would be costly
    std::string best;
    size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best = c;
            best_distance = d;
        }
    }
    if (!best.empty()) return best;
    auto letters = [](const std::string& text) {
        std::string out = fold(text);
        out.erase(
            std::remove_if(out.begin(), out.end(), [](char c) { return c == '-' || c == '_'; }),
            out.end());
        return out;
    };
    const std::string wanted = letters(word);
    if (wanted.size() < 4) return ""; // too short to say
    for (const auto& c : candidates) {
        const std::string have = letters(c);
        size_t at = 0;
        for (char x : have)
            if (at < wanted.size() && x == wanted[at]) ++at;
        if (at == wanted.size() && have.size() > wanted.size() &&
            (best.empty() || c.size() < best.size()))
            best = c;
    }
    return best;
}

std::string listed(const std::vector<std::string>& names, size_t most) {
    std::string out;
    for (size_t i = 0; i < names.size() && i < most; ++i)
        out += (i ? ", " : "") + quote(names[i]);
    if (names.size() > most) out += " and " + std::to_string(names.size() - most) + " more";
    return out;
}

std::optional<size_t> utf8_length(std::string_view value) {
    size_t count = 0;
    for (size_t i = 0; i < value.size(); ++count) {
        if (static_cast<unsigned char>(value[i]) < 0x80) { // ASCII: most text
            ++i;
            continue;
        }
        char32_t c = 0;
        if (!next_code_point(value, i, c)) return std::nullopt;
    }
    return count;
}

std::string quote(std::string_view value) {
    std::string out = "\"";
    size_t shown = 0;
    for (size_t i = 0; i < value.size(); ++shown) {
        if (shown == kQuoteLimit) {
            out += "...";
            break;
        }
        size_t start = i;
        char32_t c = 0;
        if (!next_code_point(value, i, c) || is_control(c) || c == '"' || c == '\\') {
            unsigned char b = static_cast<unsigned char>(value[start]);
            static const char* hex = "0123456789abcdef";
            if (b == '"' || b == '\\')
                out += std::string("\\") + char(b);
            else if (b == '\n')
                out += "\\n";
            else if (b == '\t')
                out += "\\t";
            else
                out += std::string("\\x") + hex[b >> 4] + hex[b & 0xf];
            i = start + 1;
        } else {
            out.append(value.substr(start, i - start));
        }
    }
    return out + "\"";
}

bool has_control(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        char32_t c = 0;
        if (next_code_point(text, i, c) ? is_control(c) : (++i, false)) return true;
    }
    return false;
}

std::string escape_controls(std::string_view text) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        const size_t start = i;
        char32_t c = 0;
        if (next_code_point(text, i, c) && !is_control(c)) {
            out.append(text.substr(start, i - start));
        } else if (c == '\n' || c == '\r' || c == '\t') {
            out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
        } else if (i > start && c >= 0x80) { // C1: a code point, not a byte
            out += std::string("\\u00") + hex[c >> 4] + hex[c & 0xf];
        } else { // C0, DEL, or a byte that is not UTF-8
            const auto b = static_cast<unsigned char>(text[start]);
            out += std::string("\\x") + hex[b >> 4] + hex[b & 0xf];
            i = start + 1;
        }
    }
    return out;
}

void tenant_key(std::string_view value, std::string_view field) {
    static constexpr std::string_view allowed =
        "1-63 characters of a-z, 0-9 and -, starting and ending with a letter or digit";
    if (value.empty()) invalid(field, value, "is empty", allowed);
    if (value.size() > 63)
        invalid(field, value, "is too long (" + std::to_string(value.size()) + " characters)",
                allowed);
    if (!only_chars(value, "-")) invalid(field, value, "has a character not allowed", allowed);
    if (value.front() == '-' || value.back() == '-')
        invalid(field, value, "starts or ends with -", allowed);
}

void display_name(std::string_view value, std::string_view field) {
    text(value, field, 0, 200, "at most 200 characters, no control characters");
}

void owner(std::string_view value, std::string_view field) {
    word(value, field, 100, "._:/@-", "1-100 characters of A-Z a-z 0-9 . _ : / @ -");
}

void profile_name(std::string_view value, std::string_view field) {
    static constexpr std::string_view allowed =
        "1-127 characters, no control characters, no leading or trailing space";
    text(value, field, 1, 127, allowed);
    if (value.front() == ' ' || value.back() == ' ')
        invalid(field, value, "has a leading or trailing space", allowed);
}

void description(std::string_view value, std::string_view field) {
    text(value, field, 0, 250, "at most 250 characters, no control characters");
}

void max_chats(int64_t value, std::string_view field) {
    range(value, field, kMaxChatsMin, kMaxChatsMax);
}

void wrap_up(int64_t value, std::string_view field) {
    range(value, field, kWrapUpMin, kWrapUpMax, " seconds");
}

void login(std::string_view value, std::string_view field) {
    word(value, field, 128, "._@+-", "1-128 characters of A-Z a-z 0-9 . _ @ + -");
}

void user_name(std::string_view value, std::string_view field) {
    text(value, field, 0, 200, "at most 200 characters, no control characters");
}

void actor(std::string_view value, std::string_view field) {
    text(value, field, 1, 200, "1-200 characters, no control characters");
}

void reason(std::string_view value, std::string_view field) {
    text(value, field, 1, 500, "1-500 characters, no control characters (one line)");
}

void email(std::string_view value, std::string_view field) {
    static constexpr std::string_view allowed = "local@domain, no spaces, at most 254 characters";
    text(value, field, 1, 254, allowed);
    auto at = value.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == value.size())
        invalid(field, value, "is not an address of the form local@domain", allowed);
    if (value.find_first_of(" \t") != std::string_view::npos)
        invalid(field, value, "contains a space", allowed);
}

void object(const Object& object) {
    if (const auto* t = std::get_if<Tenant>(&object)) {
        tenant_key(t->key, "tenant");
        if (t->display_name) display_name(*t->display_name, "display_name");
        if (t->owner) owner(*t->owner, "owner");
    } else if (const auto* p = std::get_if<Profile>(&object)) {
        profile_name(p->name, "name");
        max_chats(p->max_concurrent_chats, "max_concurrent_chats");
        wrap_up(p->wrap_up_seconds, "wrap_up_seconds");
        if (p->description) description(*p->description, "description");
    } else {
        const auto& u = std::get<User>(object);
        login(u.login, "login");
        if (u.name) user_name(*u.name, "name");
        if (u.email) email(*u.email, "email");
    }
}

int parse_int(std::string_view text, std::string_view field, int lo, int hi) {
    std::string allowed = "an integer " + std::to_string(lo) + "-" + std::to_string(hi);
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || end != text.data() + text.size() || text.front() == '+')
        invalid(field, text, "is not an integer", allowed);
    if (ec == std::errc::result_out_of_range || value < lo || value > hi)
        invalid(field, text, "is out of range", allowed);
    return static_cast<int>(value);
}

int parse_duration(std::string_view text, std::string_view field, int lo, int hi) {
    const std::string allowed = "whole seconds (90), or whole numbers each with a unit d, h, m "
                                "or s, largest first (90s, 2m, 1h30m); " +
                                std::to_string(lo) + "-" + std::to_string(hi) + " seconds";
    static constexpr std::string_view kDigits = "0123456789", kUnits = "smhd";
    static constexpr int64_t kUnitSeconds[] = {1, 60, 3600, 86400};
    if (text.empty()) invalid(field, text, "is not a duration", allowed);
    const bool bare = text.find_first_not_of(kDigits) == std::string_view::npos;
    int64_t total = 0;
    bool over = false;
    size_t below = kUnits.size(); // each unit must be smaller than the one before
    for (size_t at = 0; at < text.size();) {
        const size_t end = bare ? text.size() : text.find_first_not_of(kDigits, at);
        // A number without its unit ("1m30") has end at npos: no unit, refused.
        const size_t unit = bare ? 0 : end == std::string_view::npos ? end : kUnits.find(text[end]);
        if (end == at || unit >= below) invalid(field, text, "is not a duration", allowed);
        int64_t n = 0;
        const auto result = std::from_chars(text.data() + at, text.data() + end, n);
        // Past hi a number is out of range whatever its unit; within it the sum cannot overflow.
        if (result.ec == std::errc::result_out_of_range || n > hi)
            over = true;
        else
            total += n * kUnitSeconds[unit];
        below = unit;
        at = end + 1;
    }
    if (over || total < lo || total > hi) invalid(field, text, "is out of range", allowed);
    return static_cast<int>(total);
}

int parse_duration(std::string_view text, std::string_view field) {
    return parse_duration(text, field, kWrapUpMin, kWrapUpMax);
}

} // namespace chatctl::validate
