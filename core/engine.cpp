#include "core/engine.hpp"

#include "core/clock.hpp"
#include "core/engine/applier.hpp"
#include "core/validate.hpp"

namespace chatctl {

Json Change::to_json() const {
    return Json{{"action", action_name(action)},
                {"kind", kind_name(kind())},
                {"tenant", tenant()},
                {"key", key()},
                {"before", before ? chatctl::to_json(*before) : Json(nullptr)},
                {"after", after ? chatctl::to_json(*after) : Json(nullptr)}};
}

void write(Store& store, const WriteContext& context, const StreamPlanner& planner,
           const ChangeSink& applied) {
    WriteTransaction transaction(store, Writer{context.actor, context.command});
    struct Forget { // history rows not written when the set fails
        Store& store;
        ~Forget() { store.discard_history(); }
    } forget{store};
    const std::string at = now_utc_iso8601();
    ChangeSet done; // what one planned change became (a tenant delete is several)
    size_t count = 0;
    int64_t number = 0; // the change number, once there is a change to record
    // History never holds a raw control, whatever text a caller records as the command.
    const std::string command = validate::escape_controls(context.command);
    auto record = [&] {
        for (const auto& c : done) {
            ++count;
            if (!context.dry_run) {
                auto text = [](const std::optional<Object>& o) {
                    return o ? std::optional(to_json_text(*o)) : std::nullopt;
                };
                if (number == 0) number = store.next_change();
                store.append_history(Store::HistoryRow{
                    number, at, context.actor, command, c.tenant(), c.key(), kind_name(c.kind()),
                    action_name(c.action), text(c.before), text(c.after)});
            }
            applied(c);
        }
        done.clear();
    };
    Applier applier(store, record);
    try {
        planner(store, [&](const Change& change) {
            applier.apply(change, done);
            record();
        });
        applier.check_held();
        applier.flush_deletes(done);
        applier.flush_updates(done);
        record();
        if (count == 0) return; // rolled back: the store is not written at all
        applier.flush_users();
        applier.record_lost_defaults(done);
        record();
        applier.check_defaults();
        if (!context.dry_run) store.flush_history();
        store.settle_writes(); // every batch sent taken or refused, a dry run's too
        if (context.dry_run) return;
        if (context.reason) store.record_reason(number, *context.reason);
        if (context.before_commit) context.before_commit(number);
        transaction.commit();
    } catch (const Store::UserRefused& refused) { // by any call that follows its batch
        applier.refused(refused);
    }
}

ChangeSet write(Store& store, const WriteContext& context, const Planner& planner) {
    ChangeSet applied;
    write(
        store, context,
        [&](Store& s, const ChangeSink& emit) {
            for (const auto& change : planner(s))
                emit(change);
        },
        [&](const Change& c) { applied.push_back(c); });
    return applied;
}

} // namespace chatctl
