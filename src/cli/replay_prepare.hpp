// SPDX-License-Identifier: MIT
/// The reading half of `hooks replay`: records from the log, selected by --filter and the
/// journal, each with the request for its first attempt; on a thread of its own during a run
/// so that reading and signing overlap with sending.
#pragma once

#include "cli/replay_run.hpp"
#include "core/replay/journal.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <variant>

namespace hooks::cli {

/// A selected record on its way to the receiver.
struct Open {
    /// Whole when --failed or re-signing needs it again; otherwise only seq, id, method and
    /// target are left once its request is built (the rest is freed on the reading thread).
    log::Record record;
    std::uint64_t index = 0; ///< position in the log, from 1
    std::string hash;        ///< replay::body_hash(), with a journal only
    std::string id;          ///< the delivery id, empty when the record has none
};

/// What the reading side hands over: a record and its first request, or a record that cannot
/// be sent (why), or nothing more.
struct Prepared {
    Open open;
    Result<http::WireRequest> request = http::WireRequest();
};

/// What reading found, for the summary.
struct ReadTotals {
    std::uint64_t read = 0;
    /// The line of the log that could not be read (a corrupt record), 0 when none.
    std::uint64_t corrupt_line = 0;
    std::uint64_t filtered_out = 0;
    std::uint64_t acknowledged_before = 0;
};

/// The request for one attempt of `open`: as captured or signed afresh, with -H applied.
/// Fails (not an input error) when a secret cannot sign.
Result<message::Message> request_for(const Open& open, const ReplayPlan& plan);

/// request_for() as it goes on the wire (written into `buffer`, whose memory is reused). Fails
/// (input error) as well when the request cannot go on the wire as it is.
Result<http::WireRequest> wire_request_for(const Open& open, const ReplayPlan& plan,
                                           std::string buffer = {});

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
    Result<std::optional<Open>> select();

    /// The next selected record with its first request. Fails as select() does, and when a
    /// secret cannot sign.
    Result<std::optional<Prepared>> next();

    const ReadTotals& totals() const { return m_totals; }

    /// A spent request's buffer, for next() to write a request into. Large ones are freed.
    void reuse(std::string&& buffer);

  private:
    log::Source& m_source;
    const ReplayPlan& m_plan;
    const replay::Journal* m_journal;
    const SourceProgress& m_progress;
    std::atomic<std::uint64_t>& m_position;
    ReadTotals m_totals;
    std::vector<std::string> m_buffers;
};

/// Runs a Preparer on its own thread, at most a bounded number of records (and bytes held)
/// ahead of the sender (twice that counting the batch the sender has taken). The two threads
/// meet once per batch: the sender takes every record read so far and hands back, in the same
/// step, the records and request buffers it is done with, so that they are freed (or reused)
/// on the thread that allocated them.
class PrefetchQueue {
  public:
    explicit PrefetchQueue(Preparer& preparer);
    PrefetchQueue(const PrefetchQueue&) = delete;
    PrefetchQueue& operator=(const PrefetchQueue&) = delete;
    ~PrefetchQueue(); ///< stops the reading thread

    /// The next prepared record, waiting for the reading thread; nothing at the end. Returns
    /// the reader's error once, in order.
    Result<std::optional<Prepared>> pop();

    /// A finished record, or a spent request's buffer, to go back to the reading thread with
    /// the next pop() that meets it. The sender's side; no lock. A buffer too large to be
    /// reused is freed at once instead, so that large bodies are not held twice as long.
    void give_back(Open&& open) { m_spent_opens.push_back(std::move(open)); }
    void give_back(std::string&& buffer);

    /// Stops reading ahead (on SIGINT or an error elsewhere).
    void stop();

  private:
    using Item = Result<std::optional<Prepared>>;

    void run(const std::stop_token& stop);

    Preparer& m_preparer;
    std::mutex m_mutex;
    std::condition_variable_any m_changed;
    std::vector<Item> m_items; ///< read, not yet taken
    std::size_t m_bytes = 0;   ///< of the bodies and requests in m_items
    bool m_is_producer_waiting = false;
    bool m_is_consumer_waiting = false;
    std::vector<Open> m_returned_opens; ///< given back, not yet collected by the reader
    std::vector<std::string> m_returned_buffers;
    // The sender's own:
    std::vector<Item> m_taken;
    std::size_t m_next_taken = 0;
    std::vector<Open> m_spent_opens;
    std::vector<std::string> m_spent_buffers;
    bool m_is_done = false;
    std::jthread m_thread; ///< last: it starts at construction and uses the members above
};

} // namespace hooks::cli
