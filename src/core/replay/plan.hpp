// SPDX-License-Identifier: MIT
/// What a replay does with a log: where its records go, how they are signed, which are selected,
/// how they are retried and where the outcomes are kept.
#pragma once

#include "core/http/batch.hpp"
#include "core/providers/registry.hpp"
#include "core/replay/filter.hpp"
#include "core/retry/schedule.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hooks::replay {

/// Everything that stays the same across a replay's deliveries.
struct Plan {
    http::Url destination;
    /// The provider to sign afresh for; null sends the captured headers.
    const providers::Scheme* scheme = nullptr;
    std::vector<providers::Secret> secrets;
    const providers::Registry* registry = nullptr; ///< for the filter's provider detection
    Filter filter;
    std::vector<message::Header> extra_headers; ///< replacing same-named ones
    retry::Schedule schedule;
    double time_scale = 1.0; ///< multiplies every wait between attempts
    http::BatchOptions batch;
    std::string journal_path; ///< empty: no journal
    std::string failed_path;  ///< empty: the records that finally failed are not written out
    /// Whether Observer::on_finished() hears of every finished record, not only the failed ones.
    bool is_every_outcome_reported = false;
    /// How often Observer::on_progress() is called during a run; zero for never.
    std::chrono::milliseconds progress_period{0};
};

/// Where the log is read from, for progress reports: the log's size in bytes when it is a
/// regular file, and a way to ask how far reading has got (called on the reading thread).
struct SourceProgress {
    std::optional<std::uint64_t> size;
    std::function<std::uint64_t()> position;
};

} // namespace hooks::replay
