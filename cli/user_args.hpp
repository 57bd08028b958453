// What the user commands share: their arguments and how they are checked.
#pragma once

#include "app.hpp"

#include <string>
#include <vector>

namespace chatctl::cli {

struct UserArgs {
    TenantOption tenant;
    std::vector<std::string> logins;
    TextOption name, email, profile, from_profile, logins_from;
    bool all = false, ignore_not_found = false, prune = false;
};

// The tenant, then every name the command was given, checked before anything is read.
std::string checked(const UserArgs& a);

// A user command taking `logins` LOGIN arguments (0: none, 1: one, 2: any number).
CLI::App* user_command(CLI::App* group, const char* name, const char* description, UserArgs& a,
                       int logins);

// A file argument (a path, or - for standard input) read as a Source: a folder, a path
// that cannot be read or standard input past 512 MiB is invalid input.
Source read_source(const std::string& path);

// `user assign`, `user delete` and `user import`.
void add_user_bulk_commands(CLI::App* group, Globals& g);

} // namespace chatctl::cli
