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

std::vector<FieldChange> changed_fields(const Change& change) {
    std::vector<FieldChange> out;
    if (change.action == Action::remove) return out;
    Json after = to_json(*change.after);
    if (!change.before) { // a new object: every field but those that name it
        const char* key = change.kind() == Kind::profile ? "name"
                          : change.kind() == Kind::user  ? "login"
                                                         : "tenant";
        for (auto it = after.begin(); it != after.end(); ++it)
            if (it.key() != "tenant" && it.key() != key)
                out.push_back({it.key(), Json(), it.value()});
        return out;
    }
    Json before = to_json(*change.before);
    for (auto it = after.begin(); it != after.end(); ++it)
        if (before[it.key()] != it.value()) out.push_back({it.key(), before[it.key()], it.value()});
    return out;
}

} // namespace chatctl
