// The PostgreSQL store: a database shared by a team, its rules enforced by the database
// (pg_schema.cpp), one write lock for all writers (a transaction-scoped advisory lock),
// reads in one snapshot, and users and history written with COPY.
#pragma once

#include "core/store/postgres/pg_conn.hpp"
#include "core/store/store.hpp"

#include <memory>
#include <optional>
#include <string>

namespace chatctl::postgres {

class PgStore final : public Store {
  public:
    static std::unique_ptr<PgStore> open(const StoreOptions& options, OpenMode mode);
    // `chatctl store init` and `store upgrade`: creates or upgrades the schema (as its
    // owner), and grants everyday use to a role when one is named.
    static InitReport init(const StoreOptions& options, const std::optional<std::string>& grant_to,
                           bool create);

    ~PgStore() override;
    PgStore(const PgStore&) = delete;
    PgStore& operator=(const PgStore&) = delete;

    void begin_write(const Writer& writer) override;
    void end_read() override;
    bool read_holds_session() const override { return true; }
    bool write_locked_elsewhere() override;
    void commit() override;
    void rollback() override;

    std::optional<TenantRow> find_tenant(std::string_view key) override;
    std::optional<ProfileRow> find_profile(const TenantRow& tenant, std::string_view name) override;
    std::optional<ProfileRow> profile_by_id(int64_t id) override;
    std::optional<UserRow> find_user(const TenantRow& tenant, std::string_view login) override;
    std::vector<UserRow> find_users(const TenantRow& tenant,
                                    const std::vector<std::string>& logins) override;
    int64_t count_users(int64_t tenant_id, std::optional<int64_t> profile_id) override;
    std::vector<TenantInfo> list_tenants(std::optional<std::string_view> key) override;
    std::vector<ProfileInfo> list_profiles(const TenantRow& tenant,
                                           std::optional<std::string_view> name) override;
    void each_user(const TenantRow& tenant, std::optional<int64_t> profile_id,
                   const std::function<void(const UserRow&)>& f) override;
    std::vector<UserRow> user_page(const TenantRow& tenant, const std::optional<std::string>& after,
                                   int limit) override;
    std::vector<HistoryEntry> history(const HistoryFilter& filter, int limit) override;
    int64_t history_count(const HistoryFilter& filter) override;
    int64_t next_change() override;
    void record_reason(int64_t change, const std::string& reason) override;
    int64_t schema_version() override { return version_; }
    std::string server_version() override { return conn_.server_version(); }
    std::vector<TenantRow> tenants_owned_by(std::string_view owner) override;
    std::vector<std::string> tenant_keys() override;
    std::vector<std::string> logins_starting(const TenantRow& tenant, std::string_view prefix,
                                             int limit) override;

    int64_t insert_tenant(const Tenant& tenant) override;
    void update_tenant(int64_t id, const Tenant& tenant) override;
    void delete_tenant(int64_t id) override;
    void set_default_profile(int64_t tenant_id, int64_t profile_id) override;
    int64_t insert_profile(int64_t tenant_id, const Profile& profile) override;
    void update_profile(int64_t id, const Profile& profile) override;
    void delete_profile(int64_t id) override;
    void insert_users(std::vector<NewUser> users) override;
    void settle_writes() override { conn_.settle(); }
    void update_user(int64_t id, int64_t profile_id, const User& user) override;
    void update_users(const std::vector<UserUpdate>& users) override;
    void delete_users(const std::vector<int64_t>& ids) override;
    std::vector<UserRow> delete_users_named(const TenantRow& tenant,
                                            const std::vector<std::string>& logins) override;

  protected:
    void insert_history(const std::vector<HistoryRow>& rows) override;
    size_t history_batch_size() const override { return 4096; }

  private:
    PgStore(const StoreOptions& options);
    // BEGIN (as begin_sql says) with this command's settings, for this transaction only.
    void begin(const std::string& begin_sql);
    // The schema's version: 0 when the database has none.
    int64_t version();
    // Refuses a version this chatctl does not know, and a schema whose tables do not
    // match its version (damaged, or another application's), naming the damage.
    void check_version(int64_t version);
    // Checks the version found; when older, arms the next write transaction to create or
    // upgrade the schema, once this role is known to be allowed to.
    void prepare_migration(int64_t version);
    // Refuses, saying who may, when this role may not create tables.
    void check_may_migrate(int64_t version);
    // Creates or upgrades the schema, inside the write transaction.
    void migrate();
    void refuse_controls();
    // Gives up the transaction begun, and refuses naming the lock's holder.
    [[noreturn]] void fail_locked_now();
    // ANALYZEs users, before COMMIT, when this transaction grew it by more than a tenth.
    void analyze_grown();
    // Whether the store has tenants' owners (an older one, read as it is, has none; one
    // to be upgraded has them in its write transactions).
    bool has_owners() const;

    Conn conn_;
    int lock_timeout_seconds_;
    bool in_transaction_ = false;
    bool reading_ = false;         // in the read snapshot of a store opened for reading
    bool migrate_pending_ = false; // done by the next write transaction
    bool creating_ = false;        // this write transaction creates the schema
    int migrated_from_ = -1;       // the version a migration (or creation: 0) started from
    std::function<void(const std::string&)> on_created_;
    int64_t version_ = 0; // as opened (history reads the current one only)
    // Rows this write transaction added to users, for analyze_grown().
    int64_t added_users_ = 0;
    // The batch of users sent, until the server takes or refuses it.
    std::vector<NewUser> users_in_flight_;
    void users_settled(const std::exception_ptr& error);
    // The text of a COPY, kept from one batch to the next: a buffer grown anew for each
    // batch was a tenth of chatctl's time in a large apply (copies and page faults).
    std::string copy_text_;
    // The packed history row a page ended inside, for the next page: its filter, with the
    // keyset bound at that page's last entry. Pages of 250 entries in rows of 256 read
    // most rows twice without it (twice the server's time of `history --all`). History is
    // append-only and no row's ids overlap another's: the row stays what it was.
    struct CarriedRow {
        std::shared_ptr<const Result> result;
        int row = 0;
        HistoryFilter next;
    };
    std::optional<CarriedRow> carried_;
};

} // namespace chatctl::postgres
