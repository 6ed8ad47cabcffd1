// SPDX-License-Identifier: MIT
/// `hooks send`'s flags, and the send::Plan they make.
#pragma once

#include "cli/common_options.hpp"
#include "cli/context.hpp"
#include "core/send/plan.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace hooks::cli {

struct SendOptions {
    std::string url;
    ProviderOptions provider;
    SecretOptions secrets;
    HeaderOptions headers;
    OutputOptions output;
    std::string event;
    std::string data;
    std::vector<std::string> sets;
    std::vector<std::string> maps;
    std::string only_if_changed;
    std::string id;
    std::string method;
    RetryOptions retry;
    std::uint64_t count = 1;
    unsigned concurrency = 1;
    bool is_dry_run = false;
    bool is_insecure = false;
    std::string ca_file;
    bool shows_headers = false;
    std::string max_wait = "1m";
};

/// Reads every flag into a plan; the secrets and --data are read here too (from files, the
/// environment or stdin). Fails on a bad flag value (usage) or input that cannot be read.
Result<send::Plan> make_plan(const SendOptions& options, const providers::Registry& registry,
                             Context& context);

/// --only-if-changed: whether the delivery should go at all (CodeNx field-level triggers); says
/// why not on stderr. Fails when the body cannot be built or the field is not in it.
Result<bool> passes_trigger(const SendOptions& options, const send::Plan& plan, Context& context);

} // namespace hooks::cli
