// core/ops: what each imperative command asks the engine to write.
#include "core/commands/ops.hpp"
#include "core/error.hpp"

#include <doctest/doctest.h>

using namespace chatctl;

namespace {

const WriteContext kContext{"test", "test", false};

ChangeSet run(Store& store, const Planner& planner) {
    return write(store, kContext, planner);
}

std::unique_ptr<Store> acme() {
    auto store = memory_store();
    run(*store, ops::tenant_create("acme", std::string("ACME")));
    return store;
}

std::string default_of(Store& store, const std::string& tenant) {
    auto t = store.find_tenant(tenant);
    return store.profile_by_id(t->default_profile_id)->profile.name;
}

ErrorKind failure(Store& store, const Planner& planner) {
    try {
        run(store, planner);
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("accepted");
    return ErrorKind::internal;
}

} // namespace

TEST_CASE("tenant create: the tenant and its Default profile, 3 chats, 60 s (R1)") {
    auto store = memory_store();
    ChangeSet c = run(*store, ops::tenant_create("acme", std::nullopt));
    REQUIRE(c.size() == 2);
    const auto& p = std::get<Profile>(*c[1].after);
    CHECK(p.name == "Default");
    CHECK(p.is_default);
    CHECK(p.max_concurrent_chats == 3);
    CHECK(p.wrap_up_seconds == 60);
    CHECK(default_of(*store, "acme") == "Default");
}

TEST_CASE("profile add --default demotes the old default in the same set (R4)") {
    auto store = acme();
    ChangeSet c = run(*store, ops::profile_add("acme", "New", {{}, 5, 0, {}, true}));
    REQUIRE(c.size() == 2);
    CHECK(std::get<Profile>(*c[0].before).is_default);
    CHECK(!std::get<Profile>(*c[0].after).is_default);
    CHECK(default_of(*store, "acme") == "New");
}

TEST_CASE("set-default on the default is an empty set") {
    auto store = acme();
    CHECK(run(*store, ops::profile_set_default("acme", "default")).empty());
}

TEST_CASE("user add gets the default at the time it runs (R5); set-default moves nobody (R8)") {
    auto store = acme();
    run(*store, ops::profile_add("acme", "B", {}));
    run(*store, ops::user_add("acme", "u1", {}, std::nullopt));
    run(*store, ops::profile_set_default("acme", "B"));
    run(*store, ops::user_add("acme", "u2", {}, std::nullopt));
    auto t = *store->find_tenant("acme");
    CHECK(store->find_user(t, "u1")->user.profile == "Default");
    CHECK(store->find_user(t, "u2")->user.profile == "B");
}

TEST_CASE("profile delete --reassign-to moves users then deletes, one set (R7)") {
    auto store = acme();
    run(*store, ops::profile_add("acme", "Old", {}));
    run(*store, ops::user_add("acme", "u1", {}, std::string("Old")));
    run(*store, ops::user_add("acme", "u2", {}, std::string("old")));
    CHECK(failure(*store, ops::profile_delete("acme", "Old", std::nullopt)) == ErrorKind::conflict);
    CHECK(failure(*store, ops::profile_delete("acme", "Old", std::string("OLD"))) ==
          ErrorKind::conflict);
    ChangeSet c = run(*store, ops::profile_delete("acme", "Old", std::string("Default")));
    CHECK(c.size() == 3);
    CHECK(c.back().action == Action::remove);
}

TEST_CASE("assign and delete of several logins: each once, all or none") {
    auto store = acme();
    run(*store, ops::profile_add("acme", "B", {}));
    run(*store, ops::user_add("acme", "u1", {}, std::nullopt));
    run(*store, ops::user_add("acme", "u2", {}, std::nullopt));
    CHECK(failure(*store, ops::user_assign("acme", {"u1", "ghost"}, "B")) == ErrorKind::not_found);
    CHECK(store->find_user(*store->find_tenant("acme"), "u1")->user.profile == "Default");
    CHECK(run(*store, ops::user_assign("acme", {"u1", "U1", "u2"}, "B")).size() == 2);
    CHECK(run(*store, ops::user_assign("acme", {"u1"}, "B")).empty()); // already there
    CHECK(failure(*store, ops::user_delete("acme", {"u1", "ghost"})) == ErrorKind::not_found);
    CHECK(run(*store, ops::user_delete("acme", {"u1", "u2"})).size() == 2);
}

TEST_CASE("edits to the same values are empty sets; \"\" clears a text field") {
    auto store = acme();
    CHECK(run(*store, ops::tenant_edit("acme", std::string("ACME"))).empty());
    CHECK(run(*store, ops::profile_edit("acme", "Default", {{}, 3, 60, {}, false})).empty());
    ChangeSet c = run(*store, ops::tenant_edit("acme", std::string("")));
    REQUIRE(c.size() == 1);
    CHECK(!std::get<Tenant>(*c[0].after).display_name);
}

TEST_CASE("tenant delete refuses while users remain unless forced") {
    auto store = acme();
    run(*store, ops::user_add("acme", "u1", {}, std::nullopt));
    CHECK(failure(*store, ops::tenant_delete("acme", false)) == ErrorKind::conflict);
    CHECK(run(*store, ops::tenant_delete("acme", true)).size() == 3);
    CHECK(!store->find_tenant("acme"));
}
