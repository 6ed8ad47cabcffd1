// SPDX-License-Identifier: MIT
#include "support/fake_transport.hpp"

namespace hooks::testing {

struct FakeTransport::State {
    mutable std::mutex mutex;
    std::deque<http::AttemptResult> answers;
    http::AttemptResult fallback = respond(200);
    std::optional<Error> connect_error;
    std::function<void(std::size_t)> on_answer;
    std::size_t answered = 0;
    std::vector<http::ClientOptions> connects;
    std::vector<message::Message> sent;
    std::vector<http::BatchOptions> batches;
    std::vector<BatchAttempt> batch_attempts;
    std::vector<std::chrono::milliseconds> batch_waits;

    /// The next scripted answer; the hook runs after it is taken, without the lock.
    http::AttemptResult answer() {
        std::function<void(std::size_t)> hook;
        std::size_t count = 0;
        http::AttemptResult result;
        {
            std::lock_guard lock(mutex);
            if (answers.empty()) {
                result = fallback;
            } else {
                result = std::move(answers.front());
                answers.pop_front();
            }
            count = ++answered;
            hook = on_answer;
        }
        if (hook) {
            hook(count);
        }
        return result;
    }
};

namespace {

class FakeConnection final : public http::Connection {
  public:
    explicit FakeConnection(std::shared_ptr<FakeTransport::State> state)
        : m_state(std::move(state)) {}

    tl::expected<http::ClientResponse, http::ClientError>
    send(const message::Message& request) override {
        {
            std::lock_guard lock(m_state->mutex);
            m_state->sent.push_back(request);
        }
        return m_state->answer();
    }

  private:
    std::shared_ptr<FakeTransport::State> m_state;
};

} // namespace

http::AttemptResult respond(int status, std::vector<message::Header> headers, std::string body,
                            std::chrono::microseconds latency) {
    return http::ClientResponse{status, std::move(headers), std::move(body), latency};
}

http::AttemptResult fail_with(http::Failure failure, std::string message) {
    return tl::unexpected(http::ClientError{failure, std::move(message)});
}

FakeTransport::FakeTransport(const FakeClock* clock)
    : m_clock(clock), m_state(std::make_shared<State>()) {}

void FakeTransport::push(http::AttemptResult result) {
    std::lock_guard lock(m_state->mutex);
    m_state->answers.push_back(std::move(result));
}

void FakeTransport::set_default(http::AttemptResult result) {
    std::lock_guard lock(m_state->mutex);
    m_state->fallback = std::move(result);
}

void FakeTransport::fail_connect(Error error) {
    std::lock_guard lock(m_state->mutex);
    m_state->connect_error = std::move(error);
}

void FakeTransport::on_answer(std::function<void(std::size_t)> hook) {
    std::lock_guard lock(m_state->mutex);
    m_state->on_answer = std::move(hook);
}

std::vector<http::ClientOptions> FakeTransport::connects() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->connects;
}

std::vector<message::Message> FakeTransport::sent() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->sent;
}

std::vector<http::BatchOptions> FakeTransport::batches() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->batches;
}

std::vector<FakeTransport::BatchAttempt> FakeTransport::batch_attempts() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->batch_attempts;
}

std::vector<std::chrono::milliseconds> FakeTransport::batch_waits() const {
    std::lock_guard lock(m_state->mutex);
    return m_state->batch_waits;
}

Result<std::unique_ptr<http::Connection>>
FakeTransport::connect(const http::Url& /*origin*/, const http::ClientOptions& options) const {
    std::lock_guard lock(m_state->mutex);
    m_state->connects.push_back(options);
    if (m_state->connect_error) {
        return tl::unexpected(*m_state->connect_error);
    }
    return std::make_unique<FakeConnection>(m_state);
}

Result<void> FakeTransport::run_batch(const http::Url& /*origin*/, http::BatchDriver& driver,
                                      const http::BatchOptions& options) const {
    {
        std::lock_guard lock(m_state->mutex);
        m_state->batches.push_back(options);
    }
    while (!driver.should_stop()) {
        auto job = driver.next();
        if (!job) {
            return tl::unexpected(job.error());
        }
        if (!*job) {
            break;
        }
        if (auto ran = run_exchange(driver, std::move(**job)); !ran) {
            return ran;
        }
    }
    return {};
}

http::AttemptResult FakeTransport::answer_batch(std::uint64_t tag, int attempt,
                                                const http::WireRequest& request) const {
    {
        std::lock_guard lock(m_state->mutex);
        m_state->batch_attempts.push_back({tag, attempt, request.bytes});
    }
    return m_state->answer();
}

Result<void> FakeTransport::run_exchange(http::BatchDriver& driver, http::BatchJob job) const {
    http::WireRequest request = std::move(job.request);
    std::optional<http::AttemptResult> failed_rebuild;
    for (int attempt = 1;; ++attempt) {
        http::AttemptResult result =
            failed_rebuild ? std::move(*failed_rebuild) : answer_batch(job.tag, attempt, request);
        failed_rebuild.reset();
        auto retry = driver.finished(job.tag, attempt, result);
        if (!retry) {
            return tl::unexpected(retry.error());
        }
        if (!*retry) {
            break;
        }
        {
            std::lock_guard lock(m_state->mutex);
            m_state->batch_waits.push_back((*retry)->wait);
        }
        bool is_waited = m_clock
                             ? m_clock->sleep((*retry)->wait, [&] { return driver.should_stop(); })
                             : !driver.should_stop();
        if (!is_waited || driver.should_stop()) {
            break; // dropped, as the network's engine drops the retries waiting at a stop
        }
        if ((*retry)->is_rebuilt) {
            auto rebuilt = driver.rebuild(job.tag, attempt + 1);
            if (!rebuilt) {
                failed_rebuild = fail_with(http::Failure::other, rebuilt.error().message);
                continue;
            }
            driver.recycle(std::move(request));
            request = std::move(*rebuilt);
        }
    }
    driver.recycle(std::move(request));
    return {};
}

} // namespace hooks::testing
