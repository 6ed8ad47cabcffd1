// SPDX-License-Identifier: MIT
/// `hooks send --count N --concurrency C`: many distinct deliveries over keep-alive
/// connections, and a summary of how they went.
#pragma once

#include "cli/context.hpp"
#include "cli/send_delivery.hpp"

namespace hooks::cli {

struct LoadOptions {
    std::uint64_t count = 1;
    unsigned concurrency = 1;
    http::ClientOptions client;
};

/// Sends `options.count` deliveries with fresh ids from `options.concurrency` connections and
/// prints the summary (text, or one JSON object): successes, failures by cause, deliveries/s,
/// latency percentiles. Exit code 0 when every delivery succeeded, else 1.
Result<int> run_load(const SendPlan& plan, const LoadOptions& options, bool is_json,
                     Context& context);

} // namespace hooks::cli
