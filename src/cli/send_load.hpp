// SPDX-License-Identifier: MIT
/// `hooks send --count N --concurrency C`: the load run of core/send and its summary.
#pragma once

#include "cli/context.hpp"
#include "core/send/load.hpp"

namespace hooks::cli {

/// Runs send::run_load() against the network, SIGINT/SIGTERM stopping it gracefully, and
/// prints the summary (text, or one JSON object): successes, failures by cause, deliveries/s,
/// latency percentiles. Exit code 0 when every delivery succeeded, else 1; interrupted (130)
/// after a stop request, the partial summary printed.
Result<int> run_load(const send::Plan& plan, const send::LoadOptions& options, bool is_json,
                     Context& context);

} // namespace hooks::cli
