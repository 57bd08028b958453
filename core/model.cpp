#include "core/model.hpp"

#include "core/validate.hpp"

namespace chatctl {

Json optional_json(const std::optional<std::string>& value) {
    return value ? Json(*value) : Json(nullptr);
}

namespace {

Json fields(const Tenant& t) {
    return {{"tenant", t.key},
            {"display_name", optional_json(t.display_name)},
            {"owner", optional_json(t.owner)}};
}

Json fields(const Profile& p) {
    return {{"tenant", p.tenant},
            {"name", p.name},
            {"default", p.is_default},
            {"max_concurrent_chats", p.max_concurrent_chats},
            {"wrap_up_seconds", p.wrap_up_seconds},
            {"description", optional_json(p.description)}};
}

Json fields(const User& u) {
    return {{"tenant", u.tenant},
            {"login", u.login},
            {"name", optional_json(u.name)},
            {"email", optional_json(u.email)},
            {"profile", u.profile}};
}

} // namespace

const char* kind_name(Kind kind) {
    switch (kind) {
    case Kind::tenant:
        return "tenant";
    case Kind::profile:
        return "profile";
    case Kind::user:
        return "user";
    }
    return "?";
}

const char* action_name(Action action) {
    switch (action) {
    case Action::create:
        return "create";
    case Action::update:
        return "update";
    case Action::remove:
        return "delete";
    }
    return "?";
}

Kind kind_of(const Object& object) {
    return static_cast<Kind>(object.index());
}

const std::string& tenant_of(const Object& object) {
    return std::visit(
        [](const auto& o) -> const std::string& {
            if constexpr (std::is_same_v<std::decay_t<decltype(o)>, Tenant>)
                return o.key;
            else
                return o.tenant;
        },
        object);
}

const std::string& key_of(const Object& object) {
    if (const auto* t = std::get_if<Tenant>(&object)) return t->key;
    if (const auto* p = std::get_if<Profile>(&object)) return p->name;
    return std::get<User>(object).login;
}

Json to_json(const Object& object) {
    return std::visit([](const auto& o) { return fields(o); }, object);
}

std::optional<Kind> kind_named(const std::string& name) {
    for (Kind k : {Kind::tenant, Kind::profile, Kind::user})
        if (name == kind_name(k)) return k;
    return std::nullopt;
}

std::optional<Action> action_named(const std::string& name) {
    for (Action a : {Action::create, Action::update, Action::remove})
        if (name == action_name(a)) return a;
    return std::nullopt;
}

std::optional<Object> object_from_json(Kind kind, const Json& j) {
    if (!j.is_object()) return std::nullopt;
    auto text = [&](const char* f) -> std::optional<std::string> {
        auto it = j.find(f);
        if (it == j.end() || !it->is_string()) return std::nullopt;
        return it->get<std::string>();
    };
    auto optional_text = [&](const char* f, bool& ok) -> std::optional<std::string> {
        auto it = j.find(f);
        ok = ok && it != j.end() && (it->is_null() || it->is_string());
        return ok && it->is_string() ? std::optional(it->get<std::string>()) : std::nullopt;
    };
    auto number = [&](const char* f, bool& ok) {
        auto it = j.find(f);
        ok = ok && it != j.end() && it->is_number_integer() && it->get<int64_t>() >= INT32_MIN &&
             it->get<int64_t>() <= INT32_MAX;
        return ok ? it->get<int>() : 0;
    };
    bool ok = true;
    auto tenant = text("tenant");
    if (!tenant) return std::nullopt;
    switch (kind) {
    case Kind::tenant: {
        Tenant t{*tenant, optional_text("display_name", ok)};
        // History written before owners were kept has none.
        if (j.contains("owner")) t.owner = optional_text("owner", ok);
        return ok ? std::optional<Object>(t) : std::nullopt;
    }
    case Kind::profile: {
        auto name = text("name");
        auto is_default = j.find("default");
        if (!name || is_default == j.end() || !is_default->is_boolean()) return std::nullopt;
        Profile p{*tenant,
                  *name,
                  is_default->get<bool>(),
                  number("max_concurrent_chats", ok),
                  number("wrap_up_seconds", ok),
                  optional_text("description", ok)};
        return ok ? std::optional<Object>(p) : std::nullopt;
    }
    case Kind::user: {
        auto login = text("login"), profile = text("profile");
        if (!login || !profile) return std::nullopt;
        User u{*tenant, *login, optional_text("name", ok), optional_text("email", ok), *profile};
        return ok ? std::optional<Object>(u) : std::nullopt;
    }
    }
    return std::nullopt;
}

Json to_json(const TenantInfo& info) {
    Json j = fields(info.tenant);
    j["default_profile"] = info.default_profile;
    j["profiles"] = info.profiles;
    j["users"] = info.users;
    return j;
}

Json to_json(const ProfileInfo& info) {
    Json j = fields(info.profile);
    j["users"] = info.users;
    return j;
}

Json to_json(const User& user) {
    return fields(user);
}

namespace {

const char* const kHex = "0123456789abcdef";

// \u00XX for DEL (0x7f) and C1 (UTF-8 c2 80-9f) at text[i]; returns the bytes it took.
size_t escape_beyond_json(std::string& out, const std::string& text, size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    unsigned code = c == 0x7f ? c : c == 0xc2 && next >= 0x80 && next <= 0x9f ? next : 0;
    if (code == 0) return 0;
    out += "\\u00";
    out += kHex[code >> 4];
    out += kHex[code & 0xf];
    return c == 0x7f ? 1 : 2;
}

} // namespace

std::string json_dump(const Json& value, int indent) {
    std::string text = value.dump(indent, ' ', false, Json::error_handler_t::replace);
    // Outside strings JSON is ASCII, so these bytes are always inside one.
    if (text.find_first_of("\x7f\xc2") == std::string::npos) return text;
    std::string out;
    out.reserve(text.size() + 16);
    for (size_t i = 0; i < text.size();) {
        size_t took = escape_beyond_json(out, text, i);
        if (took == 0) out += text[i++];
        i += took;
    }
    return out;
}

void json_quote(std::string& out, const std::string& text) {
    const char* hex = kHex;
    out += '"';
    for (size_t i = 0; i < text.size(); ++i) {
        const char ch = text[i];
        auto c = static_cast<unsigned char>(ch);
        if (size_t took = escape_beyond_json(out, text, i)) {
            i += took - 1;
            continue;
        }
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xf];
            } else {
                out += ch;
            }
        }
    }
    out += '"';
}

std::string to_json_text(const Object& object) {
    const auto* u = std::get_if<User>(&object);
    if (!u) return json_dump(to_json(object));
    std::string out = "{\"tenant\":";
    json_quote(out, u->tenant);
    out += ",\"login\":";
    json_quote(out, u->login);
    for (auto [key, value] : {std::pair{",\"name\":", &u->name}, {",\"email\":", &u->email}}) {
        out += key;
        if (*value)
            json_quote(out, **value);
        else
            out += "null";
    }
    out += ",\"profile\":";
    json_quote(out, u->profile);
    return out + "}";
}

namespace {

// A JSON string at text[i], its bytes UTF-8, without controls or `\u` escapes: as the
// JSON parser would read it. False for any other, to be read by the parser.
bool plain_string(std::string_view text, size_t& i, std::string& out) {
    if (i >= text.size() || text[i] != '"') return false;
    out.clear();
    bool ascii = true;
    size_t end = i + 1;
    for (; end < text.size() && text[end] != '"'; ++end) {
        const auto c = static_cast<unsigned char>(text[end]);
        if (c < 0x20) return false;
        ascii = ascii && c < 0x80;
        if (c != '\\') {
            out += static_cast<char>(c);
            continue;
        }
        if (++end == text.size()) return false;
        static const std::string_view escaped = "\"\\/bfnrt", meant = "\"\\/\b\f\n\r\t";
        const size_t e = escaped.find(text[end]);
        if (e == std::string_view::npos) return false; // \u and anything else
        out += meant[e];
    }
    if (end == text.size() || (!ascii && !validate::utf8_length(out))) return false;
    i = end + 1;
    return true;
}

bool literal(std::string_view text, size_t& i, std::string_view word) {
    if (text.substr(i, word.size()) != word) return false;
    i += word.size();
    return true;
}

} // namespace

std::optional<User> user_from_json_text(std::string_view text) {
    User u;
    size_t i = 0;
    auto optional = [&](std::optional<std::string>& field) {
        if (literal(text, i, "null")) return true;
        return plain_string(text, i, field.emplace());
    };
    const bool ok = literal(text, i, "{\"tenant\":") && plain_string(text, i, u.tenant) &&
                    literal(text, i, ",\"login\":") && plain_string(text, i, u.login) &&
                    literal(text, i, ",\"name\":") && optional(u.name) &&
                    literal(text, i, ",\"email\":") && optional(u.email) &&
                    literal(text, i, ",\"profile\":") && plain_string(text, i, u.profile) &&
                    literal(text, i, "}") && i == text.size();
    return ok ? std::optional(std::move(u)) : std::nullopt;
}

std::string fold(const std::string& text) {
    std::string out = text;
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace chatctl
