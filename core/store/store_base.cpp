// What every store shares, whichever it is: paging, history batches, write transactions.
// Kept apart from store.cpp (which knows every implementation) so that the PostgreSQL
// module links this without the SQLite store.
#include "core/error.hpp"
#include "core/store/store.hpp"

namespace chatctl {

std::vector<UserRow> Store::list_users(const TenantRow& tenant, std::optional<int64_t> profile_id) {
    std::vector<UserRow> out;
    each_user(tenant, profile_id, [&](const UserRow& row) { out.push_back(row); });
    return out;
}

std::vector<UserRow> Store::find_users(const TenantRow& tenant,
                                       const std::vector<std::string>& logins) {
    std::vector<UserRow> out;
    for (const auto& login : logins)
        if (auto row = find_user(tenant, login)) out.push_back(std::move(*row));
    return out;
}

std::vector<UserRow> Store::delete_users_named(const TenantRow& tenant,
                                               const std::vector<std::string>& logins) {
    std::vector<UserRow> rows = find_users(tenant, logins);
    if (rows.size() < logins.size()) return rows;
    std::vector<int64_t> ids;
    ids.reserve(rows.size());
    for (const auto& row : rows)
        ids.push_back(row.id);
    delete_users(ids);
    return rows;
}

void Store::update_users(const std::vector<UserUpdate>& users) {
    for (const auto& u : users)
        update_user(u.id, u.profile_id, u.user);
}

const UserRow* Store::UserScan::next() {
    if (at_ < page_.size()) return &page_[at_++];
    if (last_page_) return nullptr;
    constexpr int kPage = 1000;
    std::optional<std::string> after;
    if (!page_.empty()) after = page_.back().user.login;
    page_ = store_.user_page(tenant_, after, kPage);
    at_ = 0;
    last_page_ = page_.size() < static_cast<size_t>(kPage);
    return page_.empty() ? nullptr : &page_[at_++];
}

void Store::history_pages(HistoryFilter filter, int page, const HistoryPage& each) {
    for (;;) {
        auto rows = history(filter, page);
        if (!rows.empty()) each(rows);
        if (rows.size() < static_cast<size_t>(page)) return;
        (filter.oldest_first ? filter.after_id : filter.before_id) = rows.back().id;
    }
}

bool Store::tenant_in_history(const std::string& key) {
    HistoryFilter filter;
    filter.tenant = key;
    return !history(filter, 1).empty();
}

void Store::append_history(HistoryRow row) {
    history_batch_.push_back(std::move(row));
    if (history_batch_.size() >= history_batch_size()) flush_history();
}

void Store::flush_history() {
    if (history_batch_.empty()) return;
    insert_history(history_batch_);
    history_batch_.clear();
}

WriteTransaction::~WriteTransaction() {
    if (done_) return;
    try {
        store_.rollback();
    } catch (...) { // the connection is gone: the server rolls back what it held
    }
}

void WriteTransaction::commit() {
    store_.commit();
    done_ = true;
}

void fail_locked(const std::string& store, const std::optional<WriteLockHolder>& holder) {
    std::string who;
    if (holder && !holder->other.empty()) {
        who = holder->other;
    } else if (holder) {
        who = holder->actor.empty() ? "a writer" : holder->actor;
        if (!holder->command.empty()) who += " running `chatctl " + holder->command + "`";
        std::string where;
        if (holder->pid > 0) where = "process " + std::to_string(holder->pid);
        if (!holder->host.empty()) where += (where.empty() ? "" : " ") + ("on " + holder->host);
        if (!where.empty()) who += " (" + where + ")";
    }
    if (holder && !holder->since.empty()) who += " since " + holder->since;
    // Errors are printed with their control characters escaped (cli/run.cpp).
    fail(ErrorKind::store, store + " is locked by another writer" + (who.empty() ? "" : ": " + who),
         {"retry later, or wait longer with --lock-timeout SECONDS"});
}

void refuse_history_before_upgrade(const std::string& shown, int64_t version, int current) {
    if (version >= current) return;
    fail(ErrorKind::store,
         shown + " has schema version " + std::to_string(version) +
             ", older than this chatctl's (" + std::to_string(current) +
             "): its history is read once the store is upgraded",
         {"upgrade it with `chatctl store upgrade` (on PostgreSQL, run by the schema's owner); "
          "any write command upgrades it too"});
}

} // namespace chatctl
