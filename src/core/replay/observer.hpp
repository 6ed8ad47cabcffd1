// SPDX-License-Identifier: MIT
/// What a replay reports while it runs, as data: the front end (the CLI's progress line and
/// per-delivery lines, or another) decides what to show.
#pragma once

#include "core/http/client.hpp"
#include "core/replay/journal.hpp"
#include "core/replay/preparer.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace hooks::replay {

/// How a replay is going: a snapshot taken every Plan::progress_period.
struct Progress {
    std::uint64_t read = 0;       ///< records read (selected or not), updated every 256
    std::uint64_t delivered = 0;  ///< records acknowledged
    std::uint64_t failed = 0;     ///< records that finally failed
    std::uint64_t retrying = 0;   ///< records whose last attempt failed, waiting for another
    std::uint64_t bytes_read = 0; ///< of the log, when SourceProgress can tell
    std::optional<std::uint64_t> log_size; ///< SourceProgress::size
    std::chrono::duration<double> elapsed{0};
};

/// How a record's delivery ended.
struct Outcome {
    bool is_delivered = false;
    int attempts = 0; ///< 0 when the record could not be sent at all
    std::optional<int> status;
    /// One line: the retry decision's reason, after the transport's error when there was no
    /// response, or why the record cannot be sent.
    std::string reason;
    const http::ClientResponse* response = nullptr; ///< the last attempt's; null without one
};

/// The side of a replay that shows it. Every call but on_progress() comes from the thread
/// running the replay's batch, never two at once; on_progress() comes from a thread of its own.
/// Calls must not throw.
class Observer {
  public:
    Observer() = default;
    Observer(const Observer&) = delete;
    Observer& operator=(const Observer&) = delete;
    virtual ~Observer() = default;

    /// The journal has been opened: what an earlier run left in it (loaded_acknowledged(),
    /// loaded_failed(), note()). Only when the plan names a journal.
    virtual void on_journal_opened(const Journal& /*journal*/) {}

    /// The first selected record is about to be sent; once, before any delivery.
    virtual void on_first_delivery(const SelectedRecord& /*first*/) {}

    /// A record's delivery is over (journaled first when there is a journal): every record
    /// with Plan::is_every_outcome_reported, otherwise the failed ones only.
    virtual void on_finished(const SelectedRecord& /*selected*/, const Outcome& /*outcome*/) {}

    /// Every Plan::progress_period while the run goes on.
    virtual void on_progress(const Progress& /*progress*/) {}

    /// A dry run's record `index`: the request it would make, or why it cannot be sent.
    virtual void on_planned(std::uint64_t /*index*/, const Result<message::Message>& /*request*/) {}
};

} // namespace hooks::replay
