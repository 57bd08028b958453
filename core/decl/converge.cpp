#include "core/decl/converge.hpp"

#include "core/decl/tenant_plan.hpp"
#include "core/pipe.hpp"

#include <set>
#include <thread>

namespace chatctl {

namespace {

// --prune --owner: each tenant the owner manages and `declared` does not name is deleted,
// written out as the engine records a tenant's deletion (users, profiles, the default
// last, then the tenant), so that a plan shows each object that goes.
void prune_owned(Store& store, const ApplyOptions& options, const std::set<std::string>& declared,
                 const ChangeSink& emit) {
    if (!options.prune || !options.owner) return;
    for (const TenantRow& row : store.tenants_owned_by(*options.owner)) {
        if (declared.count(row.tenant.key)) continue;
        Store::UserScan users(store, row);
        while (const UserRow* u = users.next())
            emit(Change{Action::remove, u->user, std::nullopt});
        std::optional<Profile> default_profile;
        for (const auto& info : store.list_profiles(row)) {
            if (info.profile.is_default)
                default_profile = info.profile;
            else
                emit(Change{Action::remove, info.profile, std::nullopt});
        }
        if (default_profile) emit(Change{Action::remove, *default_profile, std::nullopt});
        emit(Change{Action::remove, row.tenant, std::nullopt});
    }
}

} // namespace

void converge(Store& store, const Declaration& declaration, const ApplyOptions& options,
              const ChangeSink& emit) {
    detail::Problems problems{declaration.problems, !declaration.problems.empty()};
    std::vector<std::unique_ptr<detail::TenantPlan>> plans;
    plans.reserve(declaration.tenants.size());
    std::set<std::string> declared;
    for (const auto& t : declaration.tenants) {
        plans.push_back(std::make_unique<detail::TenantPlan>(store, t, options, problems,
                                                             declaration.users.get(), nullptr));
        plans.back()->check();
        declared.insert(t.tenant.key);
    }
    if (!problems.list.empty())
        fail_with(problems.invalid ? ErrorKind::invalid_input : ErrorKind::conflict,
                  std::move(problems.list));
    for (auto& plan : plans)
        plan->emit(emit);
    prune_owned(store, options, declared, emit);
}

ChangeSet converge(Store& store, const Declaration& declaration, const ApplyOptions& options) {
    ChangeSet changes;
    converge(store, declaration, options, [&](const Change& c) { changes.push_back(c); });
    return changes;
}

namespace {

// What the reader tells the writing thread, in order.
struct Event {
    enum Kind { tenant_start, one_user, finish } kind = finish;
    std::optional<DeclTenant> header; // tenant_start: as declared before its users
    DeclUser user;                    // one_user
    bool commit = false;              // finish: whether to keep what was written
};

struct Abandon {}; // the writing thread gives up: what it wrote is rolled back

} // namespace

struct StreamedConverge::Impl {
    Impl(Store& s, std::optional<WriteContext> c, ApplyOptions o, ChangeSink a)
        : store(s), context(std::move(c)), options(std::move(o)), applied(std::move(a)) {}

    Store& store;
    std::optional<WriteContext> context; // nullopt: a plan, nothing written
    ApplyOptions options;
    ChangeSink applied; // or planned

    // Events go by batches, so that the two threads meet once per batch, not per user.
    Pipe<Event> pipe;
    bool committed = false;
    bool wrote = false;            // a change was handed to the engine: a write may have reached
                                   // the store
    std::exception_ptr unknowable; // a failure after that: never retried, reported
    std::vector<std::optional<DeclTenant>> sent; // the reader's own copy of the headers
    std::thread writer;

    // Reader side.
    void push(Event::Kind kind, const std::optional<DeclTenant>& header, bool commit) {
        Event& e = pipe.slot();
        e.kind = kind;
        e.header = header;
        e.commit = commit;
        pipe.flush();
    }
    void push(const DeclUser& user) {
        Event& e = pipe.slot();
        e.kind = Event::one_user;
        e.user = user; // into the slot's strings
    }

    // Writes each tenant as its events come; throws Abandon when it cannot.
    void plan(Store& s, const ChangeSink& emit) {
        detail::Problems problems;
        std::set<std::string> declared;
        Event* e = &pipe.take();
        for (; e->kind == Event::tenant_start; e = &pipe.take()) {
            if (!e->header) throw Abandon{};
            const DeclTenant t = *e->header; // the event's slot is filled again
            declared.insert(t.tenant.key);
            DeclUser current;
            std::string last; // the login before, folded: logins must rise
            bool first = true;
            detail::TenantPlan plan(s, t, options, problems, nullptr, [&]() -> const DeclUser* {
                if (pipe.peek().kind != Event::one_user) return nullptr;
                current = pipe.take().user;
                std::string folded = fold(current.user.login);
                if (!first && !(last < folded)) throw Abandon{}; // out of order, or twice
                first = false;
                last = std::move(folded);
                return &current;
            });
            plan.check();
            if (!problems.list.empty()) throw Abandon{};
            plan.emit(emit);
        }
        if (e->kind != Event::finish || !e->commit) throw Abandon{};
        // The declaration is whole now, its tenants those told: the same end as converge.
        prune_owned(s, options, declared, emit);
    }

    void run() {
        if (!context) {
            try {
                plan(store, applied);
                committed = true;
            } catch (...) { // Abandon, NotStreamable, a fault the ordinary path meets again
                give_up();
            }
            return;
        }
        try {
            // Another writer holds the lock: this one does not wait for it while reading.
            if (store.write_locked_elsewhere()) throw Abandon{};
            write(
                store, *context,
                [&](Store& s, const ChangeSink& emit) {
                    try {
                        plan(s, [&](const Change& c) {
                            wrote = true;
                            emit(c);
                        });
                    } catch (const detail::NotStreamable&) {
                        throw Abandon{};
                    }
                },
                applied);
            committed = true;
        } catch (const Abandon&) {
            give_up(); // rolled back: the ordinary path writes it
        } catch (const Error& e) {
            // A store failure once something was written (a lost connection, a COMMIT whose
            // reply never came) leaves the store's state for the error to tell: running the
            // write again could report "No changes." for a change just committed, or write
            // it after a failure the user never saw. Anything else, or before any write, the
            // ordinary path meets again and reports.
            if (wrote && e.kind() == ErrorKind::store) unknowable = std::current_exception();
            give_up();
        } catch (...) {
            if (wrote) unknowable = std::current_exception();
            give_up();
        }
    }

    void give_up() { pipe.drop(); }
};

StreamedConverge::StreamedConverge(Store& store, WriteContext context, ApplyOptions options,
                                   ChangeSink applied)
    : impl_(std::make_unique<Impl>(store, std::move(context), std::move(options),
                                   std::move(applied))) {
    impl_->writer = std::thread([this] { impl_->run(); });
}

StreamedConverge::StreamedConverge(Store& store, ApplyOptions options, ChangeSink planned)
    : impl_(std::make_unique<Impl>(store, std::nullopt, std::move(options), std::move(planned))) {
    impl_->writer = std::thread([this] { impl_->run(); });
}

StreamedConverge::~StreamedConverge() {
    if (!impl_->writer.joinable()) return;
    impl_->push(Event::finish, std::nullopt, false); // nothing is kept
    impl_->writer.join();
}

void StreamedConverge::tenant(const std::optional<DeclTenant>& header) {
    impl_->sent.push_back(header);
    impl_->push(Event::tenant_start, header, false);
}

void StreamedConverge::user(const DeclUser& user) {
    impl_->push(user);
}

namespace {

bool same_profiles(const std::vector<DeclProfile>& a, const std::vector<DeclProfile>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return x.profile == y.profile && x.is_default == y.is_default;
    });
}

} // namespace

bool StreamedConverge::finish(const Declaration& declaration) {
    // What was written is kept when the declaration has no problem and its tenants are
    // those sent, as they were sent: nothing declared after a tenant's users.
    const auto& sent = impl_->sent;
    const auto& d = declaration.tenants;
    bool commit = declaration.problems.empty() && sent.size() == d.size();
    for (size_t i = 0; commit && i < d.size(); ++i)
        commit = sent[i] && sent[i]->number == d[i].number && sent[i]->tenant == d[i].tenant &&
                 sent[i]->has_profiles == d[i].has_profiles &&
                 same_profiles(sent[i]->profiles, d[i].profiles);
    impl_->push(Event::finish, std::nullopt, commit);
    impl_->writer.join();
    if (impl_->unknowable) std::rethrow_exception(impl_->unknowable);
    return impl_->committed;
}

} // namespace chatctl
