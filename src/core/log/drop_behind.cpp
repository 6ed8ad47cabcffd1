// SPDX-License-Identifier: MIT
#include "core/log/drop_behind.hpp"

#include <cerrno>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

namespace hooks::log {

DropBehind::DropBehind(int fd, off_t start, off_t window)
    : m_fd(fd), m_window(window), m_page(sysconf(_SC_PAGESIZE)), m_start(start), m_end(start) {}

DropBehind::~DropBehind() {
    {
        std::lock_guard lock(m_mutex);
        m_is_stopping = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable()) { // no appended() any more, so nothing assigns m_thread
        m_thread.join();
    }
}

void DropBehind::appended(std::size_t bytes) {
    m_unnoted += static_cast<off_t>(bytes);
    if (m_unnoted < m_window) {
        return;
    }
    m_unnoted = 0;
    // Read here, just after the writer's own write, so that a truncation by someone else is
    // seen before the file can grow back past where it ended: with O_APPEND the offset is
    // where the last write ended, whoever else appends.
    off_t end = lseek(m_fd, 0, SEEK_CUR);
    int error_number = errno;
    {
        std::lock_guard lock(m_mutex);
        if (end < 0) {
            if (!m_failure) {
                m_failure = std::system_category().message(error_number);
            }
            return;
        }
        m_is_truncated = m_is_truncated || end < m_end;
        m_end = end;
        m_is_due = true;
        if (!m_has_thread) {
            m_has_thread = true;
            m_thread = std::thread(&DropBehind::run, this);
        }
    }
    m_changed.notify_one();
}

void DropBehind::wait_idle() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_has_thread || (!m_is_due && !m_is_busy); });
}

std::optional<std::string> DropBehind::failure() {
    std::lock_guard lock(m_mutex);
    return m_failure;
}

void DropBehind::run() {
    off_t flushed = m_start; // writeback was started up to here
    off_t dropped = m_start; // pages before here were written back and dropped
    std::unique_lock lock(m_mutex);
    while (true) {
        m_changed.wait(lock, [this] { return m_is_stopping || m_is_due; });
        if (m_is_stopping) {
            return;
        }
        if (m_is_truncated) { // by someone else: start again from the beginning
            flushed = dropped = 0;
        }
        off_t end = m_end;
        m_is_due = m_is_truncated = false;
        m_is_busy = true;
        bool has_failed = m_failure.has_value();
        lock.unlock();

        int error_number = 0;
        if (end > flushed &&
            sync_file_range(m_fd, flushed, end - flushed, SYNC_FILE_RANGE_WRITE) != 0) {
            error_number = errno;
        }
        flushed = end;
        // What lies more than a window behind the end has usually had a window's time to
        // reach the disk: wait for it, then drop it; the last window stays. Whole pages, so
        // that no page is left astride two drops. Never after a failure: the kernel keeps
        // what it could not write.
        off_t drop_to = (end - m_window) / m_page * m_page;
        if (error_number == 0 && !has_failed && drop_to > dropped) {
            constexpr unsigned k_wait_for_all =
                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;
            if (sync_file_range(m_fd, dropped, drop_to - dropped, k_wait_for_all) != 0) {
                error_number = errno;
            } else {
                posix_fadvise(m_fd, dropped, drop_to - dropped, POSIX_FADV_DONTNEED);
                dropped = drop_to;
            }
        }

        lock.lock();
        if (error_number != 0 && !m_failure) {
            m_failure = std::system_category().message(error_number);
        }
        m_is_busy = false;
        m_changed.notify_all();
    }
}

} // namespace hooks::log
