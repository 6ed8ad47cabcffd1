// SPDX-License-Identifier: MIT
/// Keeps an append-only file from piling up in the page cache: every `window` bytes appended,
/// a background thread starts writeback of the new bytes, and once what lies more than a window
/// behind the end is on disk it drops those pages from the cache (posix_fadvise DONTNEED), as
/// `dd oflag=nocache` does. Nothing is lost: only pages already written back are dropped.
///
/// Why: `listen --log` under load appends hundreds of MB/s that nobody reads back soon. Left in
/// the cache, every new page is memory the kernel has not touched for a while; on a VM whose
/// host reclaims free guest memory (virtio-balloon free page reporting, as on Firecracker), the
/// first touch of each such page costs a fault in the host, and copying the log into the cache
/// took several times longer than the copy itself. Dropped pages are reused at once instead.
/// It also starts writeback early, so that a crash of the machine loses less of the log.
#pragma once

#include <condition_variable>
#include <cstddef>
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

    /// After an append of `bytes` through `fd`: once a window's worth has been appended, reads
    /// where the file now ends (the descriptor's offset, one lseek per window) and has the
    /// thread handle what is new. An end before the last one means the file was truncated by
    /// someone else: the thread starts again from its beginning. Not thread-safe: the writer
    /// calls it under its own lock.
    void appended(std::size_t bytes);

    /// Waits until the thread has handled every window appended so far: all written back, and
    /// all but the last window's worth before the end dropped. For tests.
    void wait_idle();

    /// Why writeback failed ("Input/output error"), once it has; pages are no longer dropped
    /// from then on, so that the kernel keeps what it could not write.
    std::optional<std::string> failure();

  private:
    void run();

    int m_fd;
    off_t m_window;
    off_t m_page;
    off_t m_start;       ///< where the file ended when opened: nothing before is dropped
    off_t m_unnoted = 0; ///< appended since the thread was last told; under the writer's lock

    std::mutex m_mutex;
    std::condition_variable m_changed;
    // Guarded by m_mutex:
    off_t m_end;                 ///< where the file ended when a window was last appended
    bool m_is_due = false;       ///< m_end is new to the thread
    bool m_is_truncated = false; ///< the file was truncated since the thread last looked
    bool m_has_thread = false;
    bool m_is_busy = false;
    bool m_is_stopping = false;
    std::optional<std::string> m_failure;
    std::thread m_thread; ///< last: it uses the members above
};

} // namespace hooks::log
