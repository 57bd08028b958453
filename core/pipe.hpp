// Items handed from one thread to another a batch at a time, through a bounded queue,
// the batches going back to be filled again: an item's strings keep their capacity from
// one use to the next, so that once warm nothing is allocated per item, and nothing
// allocated on one thread is freed on the other.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

namespace chatctl {

template <typename T> class Pipe {
  public:
    // The producer's side.
    // The next item to fill, by assignment (its members keep their capacity); the batch
    // before goes to the consumer once full.
    T& slot() {
        if (filling_.used == kBatch) flush();
        if (filling_.items.empty()) filling_ = recycled();
        if (filling_.used == filling_.items.size()) filling_.items.emplace_back();
        return filling_.items[filling_.used++];
    }
    // Hands the items filled so far over.
    void flush() {
        if (filling_.used == 0) return;
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return dropping_ || queue_.size() < kBatches; });
        if (dropping_) {
            filling_.used = 0; // filled again: the consumer takes nothing more
            return;
        }
        queue_.push_back(std::move(filling_));
        filling_ = Batch{};
        changed_.notify_all();
    }

    // The consumer's side.
    // The next item, valid until the next call; waits for the producer's flush().
    T& take() {
        if (next_ == taken_.used) {
            std::unique_lock lock(mutex_);
            if (!taken_.items.empty()) free_.push_back(std::move(taken_));
            changed_.wait(lock, [&] { return !queue_.empty(); });
            taken_ = std::move(queue_.front());
            queue_.pop_front();
            next_ = 0;
            changed_.notify_all();
        }
        return taken_.items[next_++];
    }
    // The next item without taking it.
    T& peek() {
        T& item = take();
        --next_;
        return item;
    }
    // The consumer takes nothing more: what the producer flushes from now on is dropped.
    void drop() {
        std::lock_guard lock(mutex_);
        dropping_ = true;
        queue_.clear();
        changed_.notify_all();
    }

  private:
    static constexpr size_t kBatch = 256, kBatches = 16; // memory stays flat
    struct Batch {
        std::vector<T> items;
        size_t used = 0;
    };
    Batch recycled() {
        std::lock_guard lock(mutex_);
        if (free_.empty()) {
            Batch fresh;
            fresh.items.reserve(kBatch);
            return fresh;
        }
        Batch b = std::move(free_.back());
        free_.pop_back();
        b.used = 0;
        return b;
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Batch> queue_;
    std::vector<Batch> free_;
    bool dropping_ = false;
    Batch filling_; // the producer's
    Batch taken_;   // the consumer's
    size_t next_ = 0;
};

} // namespace chatctl
