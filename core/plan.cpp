#include "core/plan.hpp"

namespace chatctl {

PlanSummary summarize(const ChangeSet& changes) {
    PlanSummary s;
    for (const auto& c : changes)
        (c.action == Action::create   ? s.create
         : c.action == Action::update ? s.update
                                      : s.remove)++;
    return s;
}

Json plan_to_json(const ChangeSet& changes) {
    Json list = Json::array();
    for (const auto& c : changes)
        list.push_back(c.to_json());
    PlanSummary s = summarize(changes);
    return Json{{"format_version", "1"},
                {"changes", std::move(list)},
                {"summary", {{"create", s.create}, {"update", s.update}, {"delete", s.remove}}}};
}

namespace {

// A new object of the same kind and key, with every field at its default (a user's
// profile blank, so which one it got always shows).
Object blank_like(const Object& object) {
    if (const auto* t = std::get_if<Tenant>(&object)) return Tenant{t->key, {}};
    if (const auto* p = std::get_if<Profile>(&object))
        return Profile{p->tenant, p->name, false, kDefaultMaxChats, kDefaultWrapUp, {}};
    const auto& u = std::get<User>(object);
    return User{u.tenant, u.login, {}, {}, {}};
}

} // namespace

std::vector<FieldChange> changed_fields(const Change& change) {
    std::vector<FieldChange> out;
    if (change.action == Action::remove) return out;
    Json after = to_json(*change.after);
    Json before = to_json(change.before ? *change.before : blank_like(*change.after));
    for (auto it = after.begin(); it != after.end(); ++it)
        if (before[it.key()] != it.value()) out.push_back({it.key(), before[it.key()], it.value()});
    return out;
}

} // namespace chatctl
