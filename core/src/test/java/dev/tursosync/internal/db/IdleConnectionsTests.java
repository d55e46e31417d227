package dev.tursosync.internal.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

final class IdleConnectionsTests {

    private static Connection connection(String name) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> method.getName().equals("toString") ? name
                        : method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                        : method.getName().equals("equals") ? proxy == args[0] : null);
    }

    @Test
    void aLaneGetsItsOwnConnectionBackAndOthersTakeFromTheSharedDequeFirst() {
        IdleConnections idle = new IdleConnections();
        int a = idle.newHome();
        int b = idle.newHome();
        Connection first = connection("first");
        Connection second = connection("second");

        idle.giveBack(first, a);
        idle.giveBack(second, a);
        assertThat(idle.take(a)).as("the lane's own connection waits at its home").isSameAs(first);
        assertThat(idle.take(b)).as("a home already taken sends the connection to the shared deque")
                .isSameAs(second);
        assertThat(idle.take(b)).as("nothing is idle").isNull();

        idle.giveBack(first, a);
        assertThat(idle.take(b)).as("before a new connection is opened, one idle at another home is taken")
                .isSameAs(first);
        idle.giveBack(first, IdleConnections.NO_HOME);
        assertThat(idle.take(IdleConnections.NO_HOME)).isSameAs(first);
    }

    @Test
    void drainTakesEveryIdleConnectionFromTheHomesAndTheDeque() {
        IdleConnections idle = new IdleConnections();
        Connection home = connection("home");
        Connection otherHome = connection("other home");
        Connection shared = connection("shared");
        int a = idle.newHome();
        idle.giveBack(home, a);
        idle.giveBack(otherHome, idle.newHome());
        idle.giveBack(shared, a);

        assertThat(idle.drain()).containsExactlyInAnyOrder(home, otherHome, shared);
        assertThat(idle.take(a)).isNull();
        assertThat(idle.drain()).isEmpty();
    }

    @Test
    void lanesBeyondTheHomesShareThem() {
        IdleConnections idle = new IdleConnections();
        int first = idle.newHome();
        for (int i = 1; i < 64; i++) {
            assertThat(idle.newHome()).isNotEqualTo(first);
        }
        assertThat(idle.newHome()).isEqualTo(first);
    }
}
