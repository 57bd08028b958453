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

std::vector<FieldChange> changed_fields(Kind kind, const Json& before, const Json& after) {
    std::vector<FieldChange> out;
    if (!after.is_object()) return out; // a delete
    if (!before.is_object()) {          // a new object: every field but those that name it
        const char* key = kind == Kind::profile ? "name" : kind == Kind::user ? "login" : "tenant";
        for (auto it = after.begin(); it != after.end(); ++it)
            if (it.key() != "tenant" && it.key() != key)
                out.push_back({it.key(), Json(), it.value()});
        return out;
    }
    for (auto it = after.begin(); it != after.end(); ++it) {
        Json was = before.contains(it.key()) ? before[it.key()] : Json();
        if (was != it.value()) out.push_back({it.key(), was, it.value()});
    }
    return out;
}

std::vector<FieldChange> changed_fields(const Change& change) {
    return changed_fields(change.kind(), change.before ? to_json(*change.before) : Json(),
                          change.after ? to_json(*change.after) : Json());
}

} // namespace chatctl
