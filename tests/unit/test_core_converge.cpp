// core/converge: the plan of a declaration against a store.
#include "core/commands/ops.hpp"
#include "core/decl/converge.hpp"

#include <doctest/doctest.h>

using namespace chatctl;

namespace {

Declaration parse(const std::string& yaml) {
    return load_declaration({Source{"d.yaml", Input::from_text(yaml)}});
}

ChangeSet plan(Store& store, const std::string& yaml, bool prune = false) {
    return converge(store, parse(yaml), ApplyOptions{prune});
}

ChangeSet apply(Store& store, const std::string& yaml, bool prune = false) {
    Declaration d = parse(yaml);
    return write(store, WriteContext{"t", "apply", false},
                 [&](Store& s) { return converge(s, d, ApplyOptions{prune}); });
}

std::vector<Diagnostic> problems(Store& store, const std::string& yaml, bool prune = false,
                                 ErrorKind* kind = nullptr) {
    try {
        plan(store, yaml, prune);
    } catch (const Error& e) {
        if (kind) *kind = e.kind();
        return e.diagnostics();
    }
    return {};
}

std::string default_of(Store& store, const std::string& tenant) {
    auto t = store.find_tenant(tenant);
    return store.profile_by_id(t->default_profile_id)->profile.name;
}

} // namespace

TEST_CASE("a new tenant without profiles gets the Default profile of R1") {
    auto store = memory_store();
    ChangeSet c = apply(*store, "tenants:\n  - tenant: acme\n");
    REQUIRE(c.size() == 2);
    CHECK(default_of(*store, "acme") == "Default");
    CHECK(plan(*store, "tenants:\n  - tenant: acme\n").empty());
}

TEST_CASE("a new tenant with profiles gets exactly those; the default is marked or named Default") {
    auto store = memory_store();
    apply(*store, "tenants:\n  - tenant: a\n    profiles:\n      - name: X\n      - name: Y\n"
                  "        default: true\n");
    CHECK(default_of(*store, "a") == "Y");
    CHECK(store->list_profiles(*store->find_tenant("a")).size() == 2);
    apply(*store,
          "tenants:\n  - tenant: b\n    profiles:\n      - name: X\n      - name: default\n");
    CHECK(default_of(*store, "b") == "default");
    ErrorKind kind{};
    auto p =
        problems(*store, "tenants:\n  - tenant: c\n    profiles:\n      - name: X\n", false, &kind);
    REQUIRE(p.size() == 1);
    CHECK(kind == ErrorKind::invalid_input);
    CHECK(p[0].line == 2);
}

TEST_CASE("when no profile is marked, the default stays; default: false on it alone is refused") {
    auto store = memory_store();
    apply(*store, "tenants:\n  - tenant: a\n    profiles:\n      - name: X\n      - name: Y\n"
                  "        default: true\n");
    CHECK(plan(*store, "tenants:\n  - tenant: a\n    profiles:\n      - name: X\n      - name: Y\n")
              .empty());
    ErrorKind kind{};
    auto p = problems(
        *store, "tenants:\n  - tenant: a\n    profiles:\n      - name: Y\n        default: false\n",
        false, &kind);
    REQUIRE(p.size() == 1);
    CHECK(kind == ErrorKind::invalid_input);
    CHECK(p[0].line == 5); // the `default: false` itself
}

TEST_CASE("moving the default demotes the old one first, and history says so") {
    auto store = memory_store();
    apply(*store, "tenants:\n  - tenant: a\n");
    ChangeSet c =
        apply(*store,
              "tenants:\n  - tenant: a\n    profiles:\n      - name: New\n        default: true\n");
    REQUIRE(c.size() == 2);
    CHECK(std::get<Profile>(*c[0].before).name == "Default");
    CHECK(std::get<Profile>(*c[0].before).is_default);
    CHECK(!std::get<Profile>(*c[0].after).is_default);
    CHECK(default_of(*store, "a") == "New");
}

TEST_CASE("users: left-out profile means the default for new users, unchanged for others") {
    auto store = memory_store();
    apply(*store, "tenants:\n  - tenant: a\n    profiles:\n      - name: Default\n      - name: B\n"
                  "    users:\n      - login: u1\n        profile: b\n");
    auto t = *store->find_tenant("a");
    CHECK(store->find_user(t, "u1")->user.profile == "B");
    apply(*store, "tenants:\n  - tenant: a\n    users:\n      - login: u1\n      - login: u2\n");
    CHECK(store->find_user(t, "u1")->user.profile == "B");
    CHECK(store->find_user(t, "u2")->user.profile == "Default");
    auto p = problems(
        *store, "tenants:\n  - tenant: a\n    users:\n      - login: u3\n        profile: Ghost\n");
    REQUIRE(p.size() == 1);
    CHECK(p[0].line == 5);
}

TEST_CASE(
    "without --prune nothing is deleted; with it, only managed sections of declared tenants") {
    auto store = memory_store();
    apply(*store,
          "tenants:\n  - tenant: a\n    profiles:\n      - name: Default\n      - name: Old\n"
          "    users:\n      - login: u1\n      - login: u2\n  - tenant: other\n");
    const std::string smaller = "tenants:\n  - tenant: a\n    profiles:\n      - name: Default\n"
                                "    users:\n      - login: u1\n";
    CHECK(plan(*store, smaller).empty());
    ChangeSet c = apply(*store, smaller, true);
    CHECK(c.size() == 2); // u2 and Old
    CHECK(store->find_tenant("other"));
    // A left-out section is not managed.
    CHECK(plan(*store, "tenants:\n  - tenant: a\n", true).empty());
}

TEST_CASE(
    "a prune that would leave users on a deleted profile, or delete the default, is a conflict") {
    auto store = memory_store();
    apply(*store,
          "tenants:\n  - tenant: a\n    profiles:\n      - name: Default\n      - name: Busy\n"
          "    users:\n      - login: u1\n        profile: Busy\n");
    ErrorKind kind{};
    auto p = problems(*store, "tenants:\n  - tenant: a\n    profiles:\n      - name: Default\n",
                      true, &kind);
    REQUIRE(p.size() == 1);
    CHECK(kind == ErrorKind::conflict);
    CHECK(p[0].message.find("Busy") != std::string::npos);
    // Moving the user in the same declaration makes the prune fine.
    CHECK(plan(*store,
               "tenants:\n  - tenant: a\n    profiles:\n      - name: Default\n"
               "    users:\n      - login: u1\n        profile: Default\n",
               true)
              .size() == 2);
    auto d = problems(*store, "tenants:\n  - tenant: a\n    profiles:\n      - name: Busy\n", true,
                      &kind);
    CHECK(kind == ErrorKind::conflict);
    CHECK(!d.empty());
}

TEST_CASE("a declared tenant is complete: a left-out display_name means none") {
    auto store = memory_store();
    apply(*store, "tenants:\n  - tenant: a\n    display_name: A\n");
    ChangeSet c = plan(*store, "tenants:\n  - tenant: a\n");
    REQUIRE(c.size() == 1);
    CHECK(!std::get<Tenant>(*c[0].after).display_name);
}

TEST_CASE("moving the default in a declaration moves no existing user (R8)") {
    auto store = memory_store();
    apply(*store, "tenants:\n  - tenant: a\n    users:\n      - login: u1\n");
    apply(*store,
          "tenants:\n  - tenant: a\n    profiles:\n      - name: Default\n      - name: New\n"
          "        default: true\n    users:\n      - login: u1\n      - login: u2\n");
    auto t = *store->find_tenant("a");
    CHECK(default_of(*store, "a") == "New");
    CHECK(store->find_user(t, "u1")->user.profile == "Default"); // kept
    CHECK(store->find_user(t, "u2")->user.profile == "New"); // R5: new users get the new default
}

TEST_CASE("a declared profile is complete: a field left out returns to its default") {
    auto store = memory_store();
    apply(*store, "tenants:\n  - tenant: a\n    profiles:\n      - name: Default\n"
                  "        max_concurrent_chats: 7\n        wrap_up_seconds: 0\n"
                  "        description: x\n");
    ChangeSet c = plan(*store, "tenants:\n  - tenant: a\n    profiles:\n      - name: Default\n");
    REQUIRE(c.size() == 1);
    const auto& after = std::get<Profile>(*c[0].after);
    CHECK(after.max_concurrent_chats == 3);
    CHECK(after.wrap_up_seconds == 60);
    CHECK(!after.description);
}
