// core/engine: the rules, checked on an in-memory store with the real schema, for any
// change set (not only those the commands build).
#include "core/commands/ops.hpp"
#include "core/engine.hpp"
#include "core/error.hpp"

#include <doctest/doctest.h>

using namespace chatctl;

namespace {

const WriteContext kContext{"test", "test", false};

ChangeSet run(Store& store, ChangeSet changes, bool dry_run = false) {
    WriteContext context = kContext;
    context.dry_run = dry_run;
    return write(store, context, [&](Store&) { return changes; });
}

ErrorKind failure(Store& store, ChangeSet changes) {
    try {
        run(store, std::move(changes));
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("the change set was accepted");
    return ErrorKind::internal;
}

int64_t history_size(Store& store) {
    return static_cast<int64_t>(store.history(HistoryFilter{}, 1 << 30).size());
}

Change create(Object o) {
    return Change{Action::create, std::nullopt, std::move(o)};
}
Change update(Object before, Object after) {
    return Change{Action::update, std::move(before), std::move(after)};
}
Change remove(Object o) {
    return Change{Action::remove, std::move(o), std::nullopt};
}

Profile profile(const std::string& name, bool is_default = false) {
    return Profile{"acme", name, is_default, 3, 60, {}};
}

std::unique_ptr<Store> acme() {
    auto store = memory_store();
    write(*store, kContext, ops::tenant_create("acme", std::nullopt));
    return store;
}

} // namespace

TEST_CASE("history holds no raw control, whatever command text it is given") {
    auto store = memory_store();
    write(*store, WriteContext{"test", "tenant create \x1b]0;x\x07\n", false},
          ops::tenant_create("acme", std::nullopt));
    auto entries = store->history(HistoryFilter{}, 10);
    REQUIRE(!entries.empty());
    CHECK(entries[0].command == "tenant create \\x1b]0;x\\x07\\n");
}

TEST_CASE("a new tenant needs exactly one default profile in the same set (R2)") {
    auto store = memory_store();
    CHECK(failure(*store, {create(Tenant{"t", {}})}) == ErrorKind::conflict);
    CHECK(failure(*store, {create(Tenant{"t", {}}), create(Profile{"t", "P", false, 3, 60, {}})}) ==
          ErrorKind::conflict);
    CHECK(!store->find_tenant("t"));
    run(*store, {create(Tenant{"t", {}}), create(Profile{"t", "P", true, 3, 60, {}})});
    CHECK(store->find_tenant("t"));
}

TEST_CASE("a default cannot just be taken away (R2), only moved (R4)") {
    auto store = acme();
    CHECK(failure(*store, {update(profile("Default", true), profile("Default", false))}) ==
          ErrorKind::conflict);
    // Two profiles both claiming the default: the last one wins in the store, and the
    // first claim is then false, so the set is refused.
    CHECK(failure(*store, {create(profile("A", true)), create(profile("B", true))}) ==
          ErrorKind::conflict);
    run(*store,
        {update(profile("Default", true), profile("Default", false)), create(profile("A", true))});
    auto t = store->find_tenant("acme");
    CHECK(store->profile_by_id(t->default_profile_id)->profile.name == "A");
}

TEST_CASE("a default taken from a profile no change names is recorded as its change") {
    auto store = acme();
    run(*store, {create(profile("A")), create(profile("B"))});
    ChangeSet applied = run(*store, {update(profile("A"), profile("A", true))});
    REQUIRE(applied.size() == 2);
    CHECK(applied[1].before == Object(profile("Default", true)));
    CHECK(applied[1].after == Object(profile("Default")));
    HistoryFilter f;
    f.change = 3;
    auto h = store->history(f, 10);
    REQUIRE(h.size() == 2);
    CHECK(h[0].key == "Default");
    // A set that names the old default, or deletes it, records nothing more.
    CHECK(run(*store,
              {update(profile("A", true), profile("A")), update(profile("B"), profile("B", true))})
              .size() == 2);
    CHECK(run(*store, {update(profile("A"), profile("A", true)), remove(profile("B", true))})
              .size() == 2);
}

TEST_CASE("the default cannot be deleted (R3); a profile with users cannot either (R7)") {
    auto store = acme();
    CHECK(failure(*store, {remove(profile("Default", true))}) == ErrorKind::conflict);
    run(*store, {create(profile("Busy")), create(User{"acme", "u", {}, {}, "Busy"})});
    CHECK(failure(*store, {remove(profile("Busy"))}) == ErrorKind::conflict);
    run(*store, {update(User{"acme", "u", {}, {}, "Busy"}, User{"acme", "u", {}, {}, "Default"}),
                 remove(profile("Busy"))});
    CHECK(!store->find_profile(*store->find_tenant("acme"), "Busy"));
}

TEST_CASE("a user's profile must exist in the user's tenant (R6)") {
    auto store = acme();
    run(*store, {create(Tenant{"beta", {}}), create(Profile{"beta", "BetaOnly", true, 3, 60, {}})});
    CHECK(failure(*store, {create(User{"acme", "u", {}, {}, "BetaOnly"})}) == ErrorKind::not_found);
    CHECK(failure(*store, {create(User{"ghost", "u", {}, {}, "Default"})}) == ErrorKind::not_found);
}

TEST_CASE("case-variant duplicates are conflicts (R9)") {
    auto store = acme();
    CHECK(failure(*store, {create(profile("DEFAULT"))}) == ErrorKind::conflict);
    CHECK(failure(*store, {create(Tenant{"acme", {}})}) == ErrorKind::conflict);
    run(*store, {create(User{"acme", "Ann", {}, {}, "Default"})});
    CHECK(failure(*store, {create(User{"acme", "aNN", {}, {}, "Default"})}) == ErrorKind::conflict);
}

TEST_CASE("a login in use is named, even among users written many to a statement") {
    auto store = acme();
    run(*store, {create(User{"acme", "u0070", {}, {}, "Default"})});
    int64_t before = history_size(*store);
    ChangeSet many;
    for (int i = 0; i < 200; ++i) { // more than one batch; the 71st is taken (any case)
        std::string login = "U" +
                            std::string(i < 10    ? "000"
                                        : i < 100 ? "00"
                                                  : "0") +
                            std::to_string(i);
        many.push_back(create(User{"acme", login, {}, {}, "Default"}));
    }
    try {
        run(*store, many);
        FAIL("the change set was accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::conflict);
        CHECK(std::string(e.what()) == "user \"u0070\" already exists in tenant acme");
    }
    CHECK(history_size(*store) == before);
    CHECK(store->count_users(store->find_tenant("acme")->id) == 1);
}

TEST_CASE("a set that fails part way writes nothing at all") {
    auto store = acme();
    int64_t before = history_size(*store);
    CHECK(failure(*store, {create(profile("A")), create(User{"acme", "u", {}, {}, "A"}),
                           create(profile("a"))}) == ErrorKind::conflict);
    CHECK(!store->find_profile(*store->find_tenant("acme"), "A"));
    CHECK(history_size(*store) == before);
}

TEST_CASE("invalid objects are refused even when a caller skipped validation") {
    auto store = acme();
    Profile bad = profile("X");
    bad.max_concurrent_chats = 26;
    CHECK(failure(*store, {create(bad)}) == ErrorKind::invalid_input);
    CHECK(failure(*store, {create(User{"acme", "bad login", {}, {}, "Default"})}) ==
          ErrorKind::invalid_input);
}

TEST_CASE("history gets one entry per applied change; an empty set writes nothing") {
    auto store = acme();
    CHECK(history_size(*store) == 2);
    CHECK(run(*store, {}).empty());
    CHECK(history_size(*store) == 2);
    ChangeSet applied = run(*store, {create(profile("A")), create(profile("B"))});
    CHECK(applied.size() == 2);
    CHECK(history_size(*store) == 4);
}

TEST_CASE("a dry run checks everything and writes nothing") {
    auto store = acme();
    ChangeSet applied = run(*store, {create(profile("A"))}, true);
    CHECK(applied.size() == 1);
    CHECK(!store->find_profile(*store->find_tenant("acme"), "A"));
    CHECK(history_size(*store) == 2);
}

TEST_CASE("deleting a tenant lists everything it removed") {
    auto store = acme();
    run(*store, {create(User{"acme", "u", {}, {}, "Default"})});
    ChangeSet applied = run(*store, {remove(Tenant{"acme", {}})});
    REQUIRE(applied.size() == 3);
    CHECK(applied[0].kind() == Kind::user);
    CHECK(applied[1].kind() == Kind::profile);
    CHECK(applied[2].kind() == Kind::tenant);
    CHECK(store->list_tenants().empty());
}

TEST_CASE("updates record the state the store had, not what the caller claimed") {
    auto store = acme();
    ChangeSet applied = run(*store, {update(Profile{"acme", "default", true, 9, 9, {}},
                                            Profile{"acme", "Default", true, 4, 60, {}})});
    REQUIRE(applied.size() == 1);
    CHECK(std::get<Profile>(*applied[0].before).max_concurrent_chats == 3);
    CHECK(std::get<Profile>(*applied[0].before).name == "Default");
}
