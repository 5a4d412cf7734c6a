package io.mailplane.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Two publishers (think: two replicas) and one target: only one may deliver at a time. */
@QuarkusTest
class PublisherLockTest {
  @Inject Publisher publisher;
  @Inject AgroalDataSource dataSource;

  @Test
  void aSecondPublisherSkipsATargetThatIsBeingDelivered() throws Exception {
    String name = "lock-test-" + System.nanoTime();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    PushTarget slow =
        new PushTarget() {
          @Override
          public void apply(List<Change> changes) throws Exception {
            hold();
          }

          @Override
          public void reconcile() throws Exception {
            hold();
          }

          private void hold() throws InterruptedException {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            inside.countDown();
            release.await(10, TimeUnit.SECONDS);
            concurrent.decrementAndGet();
          }

          @Override
          public String type() {
            return "command";
          }
        };
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Publisher.Outcome> first = threads.submit(() -> publisher.runTarget(name, slow));
      assertTrue(inside.await(10, TimeUnit.SECONDS));
      Future<Publisher.Outcome> second = threads.submit(() -> publisher.runTarget(name, slow));
      assertEquals(Publisher.Outcome.BUSY, second.get(10, TimeUnit.SECONDS));
      release.countDown();
      assertEquals(Publisher.Outcome.DELIVERED, first.get(10, TimeUnit.SECONDS));
      assertEquals(1, maxConcurrent.get());
      // Once released, the other publisher gets the target.
      Publisher.Outcome next = threads.submit(() -> publisher.runTarget(name, slow)).get();
      assertTrue(next == Publisher.Outcome.IDLE || next == Publisher.Outcome.DELIVERED, "" + next);
    } finally {
      release.countDown();
      threads.shutdownNow();
      try (Connection connection = dataSource.getConnection();
          PreparedStatement delete =
              connection.prepareStatement("DELETE FROM push_target_state WHERE name = ?")) {
        delete.setString(1, name);
        delete.executeUpdate();
      }
    }
  }
}
