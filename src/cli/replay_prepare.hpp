// SPDX-License-Identifier: MIT
/// The reading half of `hooks replay`: records from the log, selected by --filter and the
/// journal, each with the request for its first attempt; on a thread of its own during a run
/// so that reading and signing overlap with sending.
#pragma once

#include "cli/replay_run.hpp"
#include "core/replay/journal.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <variant>

namespace hooks::cli {

/// A selected record on its way to the receiver.
struct Open {
    log::Record record;
    std::uint64_t index = 0; ///< position in the log, from 1
    std::string hash;        ///< replay::body_hash(), with a journal only
    std::string id;          ///< the delivery id, empty when the record has none
};

/// What the reading side hands over: a record and its first request, or a record that cannot
/// be sent (why), or nothing more.
struct Prepared {
    Open open;
    Result<message::Message> request = message::Message();
};

/// What reading found, for the summary.
struct ReadTotals {
    std::uint64_t read = 0;
    std::uint64_t filtered_out = 0;
    std::uint64_t acknowledged_before = 0;
};

/// The request for one attempt of `open`: as captured or signed afresh, with -H applied.
/// Fails (input error) when the request cannot go on the wire as it is, (other kinds) when a
/// secret cannot sign.
Result<message::Message> request_for(const Open& open, const ReplayPlan& plan);

/// Reads and selects records one at a time.
class Preparer {
  public:
    /// `journal` may be null; `position` (bytes of the log read) is updated now and then.
    Preparer(log::Source& source, const ReplayPlan& plan, const replay::Journal* journal,
             const SourceProgress& progress, std::atomic<std::uint64_t>& position)
        : m_source(source), m_plan(plan), m_journal(journal), m_progress(progress),
          m_position(position) {}

    /// The next selected record; nothing at the end of the log. Fails on a corrupt log or a
    /// journal that belongs to another log.
    Result<std::optional<Prepared>> next();

    const ReadTotals& totals() const { return m_totals; }

  private:
    log::Source& m_source;
    const ReplayPlan& m_plan;
    const replay::Journal* m_journal;
    const SourceProgress& m_progress;
    std::atomic<std::uint64_t>& m_position;
    ReadTotals m_totals;
};

/// Runs a Preparer on its own thread, at most a bounded number of records (and bytes of body)
/// ahead of the sender (twice that counting the batch the sender has taken).
class PrefetchQueue {
  public:
    explicit PrefetchQueue(Preparer& preparer);
    PrefetchQueue(const PrefetchQueue&) = delete;
    PrefetchQueue& operator=(const PrefetchQueue&) = delete;
    ~PrefetchQueue(); ///< stops the reading thread

    /// The next prepared record, waiting for the reading thread; nothing at the end. Returns
    /// the reader's error once, in order.
    Result<std::optional<Prepared>> pop();

    /// Stops reading ahead (on SIGINT or an error elsewhere).
    void stop();

  private:
    void run(const std::stop_token& stop);

    Preparer& m_preparer;
    std::mutex m_mutex;
    std::condition_variable_any m_changed;
    std::deque<Result<std::optional<Prepared>>> m_items; ///< read, not yet taken
    std::size_t m_bytes = 0;                             ///< of the bodies in m_items
    bool m_is_producer_waiting = false;
    bool m_is_consumer_waiting = false;
    std::deque<Result<std::optional<Prepared>>> m_taken; ///< the sender's own
    bool m_is_done = false;                              ///< the sender's own
    std::jthread m_thread;
};

} // namespace hooks::cli
