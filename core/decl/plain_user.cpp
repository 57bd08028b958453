#include "core/decl/plain_user.hpp"

#include "core/decl/yaml_typing.hpp"
#include "core/validate.hpp"

#include <array>

namespace chatctl {

bool plainly_valid_user(const nlohmann::json& value) {
    if (!value.is_object() || !value.contains("login")) return false;
    try {
        for (const auto& [key, v] : value.items()) {
            const bool text = v.is_string();
            if (key == "login" && text)
                validate::login(v.get_ref<const std::string&>(), key);
            else if (key == "name" && (text || v.is_null()))
                text ? validate::user_name(v.get_ref<const std::string&>(), key) : void();
            else if (key == "email" && (text || v.is_null()))
                text ? validate::email(v.get_ref<const std::string&>(), key) : void();
            else if (key != "profile" || !text)
                return false;
        }
    } catch (const Error&) {
        return false;
    }
    return true;
}

std::optional<std::string> text_or_null(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null() || it->get_ref<const std::string&>().empty())
        return std::nullopt;
    return it->get<std::string>();
}

DeclUser user_of(const std::string& file, const nlohmann::json& u, const Marked& marks) {
    DeclUser du;
    du.user = User{"", u["login"], text_or_null(u, "name"), text_or_null(u, "email"),
                   u.value("profile", "")};
    du.has_profile = u.contains("profile");
    du.at = Place{file, marks.at};
    du.profile_at = Place{file, position_of(marks, {"profile"})};
    return du;
}

namespace {

enum Field { kUserLogin, kUserName, kUserEmail, kUserProfile, kUserFields };
constexpr std::array<std::string_view, kUserFields> kUserFieldNames = {"login", "name", "email",
                                                                       "profile"};

// The text a value stands for, as the reader would type it: nullopt for a null, false
// for anything that is not a text (a number, a boolean) or that the reader would report.
bool text_of(const FlatScalar& value, std::optional<std::string>& out) {
    using namespace yaml_typing;
    if (value.text.size() > kMaxBytes) return false;
    if (is_plain(value.tag)) {
        Type type = type_of_plain(value.text);
        if (type != Type::string && type != Type::null) return false;
        out = type == Type::null ? std::nullopt : std::optional(value.text);
        return true;
    }
    if (!is_string_tag(value.tag)) return false;
    out = value.text;
    return true;
}

} // namespace

bool plain_user(const std::string& file, const FlatItem& item, DeclUser& out) {
    if (item.count % 2 != 0) return false;
    std::array<std::optional<std::string>, kUserFields> values;
    std::array<const FlatScalar*, kUserFields> given{};
    for (size_t i = 0; i < item.count; i += 2) {
        const FlatScalar& key = item.scalars[i];
        if (key.tag != yaml_typing::kPlain) return false;
        size_t field = 0;
        while (field < kUserFields && kUserFieldNames[field] != key.text)
            ++field;
        if (field == kUserFields || given[field]) return false; // unknown, or twice
        given[field] = &item.scalars[i + 1];
        if (!text_of(*given[field], values[field])) return false;
    }
    // Login and profile are texts; name and address may be null.
    if (!values[kUserLogin] || (given[kUserProfile] && !values[kUserProfile])) return false;
    try {
        validate::login(*values[kUserLogin], "login");
        if (values[kUserName]) validate::user_name(*values[kUserName], "name");
        if (values[kUserEmail]) validate::email(*values[kUserEmail], "email");
    } catch (const Error&) {
        return false;
    }
    // An empty name or address is no name, as in the JSON value's reading.
    auto given_text = [&](Field f) {
        return values[f] && !values[f]->empty() ? std::move(values[f]) : std::nullopt;
    };
    out.user =
        User{"", std::move(*values[kUserLogin]), given_text(kUserName), given_text(kUserEmail),
             values[kUserProfile] ? std::move(*values[kUserProfile]) : std::string()};
    out.has_profile = given[kUserProfile] != nullptr;
    out.at = Place{file, item.at};
    out.profile_at = Place{file, given[kUserProfile] ? given[kUserProfile]->at : item.at};
    return true;
}

} // namespace chatctl
