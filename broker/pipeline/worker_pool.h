// WorkerPool: threads that run the pipeline on submissions. Each worker owns its own Pipeline
// (its own stage objects) and its own mailbox poster; submit() is thread-safe and never blocks
// on a worker.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "broker/pipeline/pipeline.h"
#include "broker/transport/mailbox.h"

namespace ozgbus::broker {

class WorkerPool {
 public:
  // Builds one pipeline per worker first, so a bad stage list fails here, before any thread.
  static Result<std::unique_ptr<WorkerPool>> start(unsigned workers, const StageContext& ctx,
                                                   Mailbox& mailbox);
  ~WorkerPool();

  void submit(Message message);
  // Finishes the queued messages, then joins the threads. Idempotent.
  void stop();

 private:
  WorkerPool() = default;
  void run(Pipeline& pipeline, MailboxPoster& poster);

  std::vector<std::unique_ptr<Pipeline>> pipelines_;
  std::vector<std::unique_ptr<MailboxPoster>> posters_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Message> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ozgbus::broker
