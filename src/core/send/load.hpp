// SPDX-License-Identifier: MIT
/// `send --count N --concurrency C`: many distinct deliveries of one event over keep-alive
/// connections (the transport's batch), each through the retry schedule, and a summary of how
/// they went.
#pragma once

#include "core/error.hpp"
#include "core/http/attempt_stats.hpp"
#include "core/send/plan.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace hooks::send {

struct LoadOptions {
    std::uint64_t count = 1;  ///< deliveries, each with a fresh id
    unsigned concurrency = 1; ///< connections used at once
};

/// How a load run went.
struct LoadSummary {
    std::uint64_t count = 0; ///< deliveries asked for
    unsigned concurrency = 0;
    std::uint64_t delivered = 0;                   ///< deliveries whose last attempt succeeded
    std::map<std::string, std::uint64_t> failures; ///< failure_cause() -> deliveries
    http::LatencyStats latency;                    ///< of each finished delivery's last attempt
    double seconds = 0;                            ///< monotonic time the batch took
    bool is_interrupted = false;                   ///< should_stop ended the run early

    /// Deliveries that failed, whatever the cause.
    std::uint64_t failed() const;
    /// Delivered deliveries per second (0 when no time passed).
    double deliveries_per_second() const;
};

/// Sends `options.count` deliveries of the plan's event with fresh ids (events::fresh_delivery_id)
/// through the environment's transport, `options.concurrency` at once. The event's envelope is
/// built once and filled in for each delivery; each retry is signed afresh at its own time with
/// its delivery's body and id. A stop request starts no new delivery and no further attempt;
/// those on the wire finish. Fails when a request cannot be built or signed.
Result<LoadSummary> run_load(const Plan& plan, const LoadOptions& options,
                             const Environment& environment);

} // namespace hooks::send
