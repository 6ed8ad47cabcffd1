// SPDX-License-Identifier: MIT
/// Keeps an append-only file from piling up in the page cache: every `window` bytes appended,
/// a background thread starts writeback of the new bytes, and once the window before them is on
/// disk it drops that window's pages from the cache (posix_fadvise DONTNEED), as `dd
/// oflag=nocache` does. Nothing is lost: only pages already written back are dropped.
///
/// Why: `listen --log` under load appends hundreds of MB/s that nobody reads back soon. Left in
/// the cache, every new page is memory the kernel has not touched for a while; on a VM whose
/// host reclaims free guest memory (virtio-balloon free page reporting, as on Firecracker), the
/// first touch of each such page costs a fault in the host, and copying the log into the cache
/// took several times longer than the copy itself. Dropped pages are reused at once instead.
/// It also starts writeback early, so that a crash of the machine loses less of the log.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>

namespace hooks::log {

class DropBehind {
  public:
    static constexpr off_t k_default_window = off_t{8} << 20;

    /// For the regular file open on `fd` (not owned) that ends at `start`; `window` > 0. Starts
    /// no thread until a window's worth has been appended.
    DropBehind(int fd, off_t start, off_t window = k_default_window);
    DropBehind(const DropBehind&) = delete;
    DropBehind& operator=(const DropBehind&) = delete;
    /// Stops the thread; writeback already started goes on in the kernel.
    ~DropBehind();

    /// After an append: `end` is where the file now ends. An end before the last one means the
    /// file was truncated by someone else; counting starts again from there. Not thread-safe:
    /// the writer calls it under its own lock.
    void appended(off_t end);

    /// Waits until every window noted so far has been handled: written back and, but for the
    /// last one, dropped. For tests.
    void wait_idle();

    /// Why writeback failed ("Input/output error"), once it has; pages are no longer dropped
    /// from then on, so that the kernel keeps what it could not write.
    std::optional<std::string> failure();

  private:
    void run();
    bool is_caught_up() const; ///< under m_mutex

    int m_fd;
    off_t m_window;
    off_t m_noted; ///< where the last window handed to the thread ended; under the writer's lock

    std::mutex m_mutex;
    std::condition_variable m_changed;
    // Guarded by m_mutex:
    off_t m_target;              ///< the end the thread is to catch up with
    off_t m_flushed;             ///< writeback was started up to here
    off_t m_dropped;             ///< pages before here were written back and dropped
    bool m_is_restarted = false; ///< the file was truncated: start again from its beginning
    bool m_has_thread = false;
    bool m_is_busy = false;
    bool m_is_stopping = false;
    std::optional<std::string> m_failure;
    std::thread m_thread; ///< last: it uses the members above
};

} // namespace hooks::log
