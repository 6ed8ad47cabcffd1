// SPDX-License-Identifier: MIT
/// A replay's reading thread: a Preparer run ahead of the sender so that reading and signing
/// overlap with sending.
#pragma once

#include "core/replay/preparer.hpp"

#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

namespace hooks::replay {

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
    void give_back(SelectedRecord&& selected) { m_spent_records.push_back(std::move(selected)); }
    void give_back(std::string&& buffer);

    /// Stops reading ahead (on a stop request or an error elsewhere).
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
    std::vector<SelectedRecord> m_returned_records; ///< given back, not yet collected
    std::vector<std::string> m_returned_buffers;
    // The sender's own:
    std::vector<Item> m_taken;
    std::size_t m_next_taken = 0;
    std::vector<SelectedRecord> m_spent_records;
    std::vector<std::string> m_spent_buffers;
    bool m_is_done = false;
    std::jthread m_thread; ///< last: it starts at construction and uses the members above
};

} // namespace hooks::replay
