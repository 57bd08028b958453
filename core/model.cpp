#include "core/model.hpp"

namespace chatctl {

namespace {

Json optional_json(const std::optional<std::string>& value) {
    return value ? Json(*value) : Json(nullptr);
}

Json fields(const Tenant& t) {
    return {{"tenant", t.key}, {"display_name", optional_json(t.display_name)}};
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

std::string fold(const std::string& text) {
    std::string out = text;
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace chatctl
