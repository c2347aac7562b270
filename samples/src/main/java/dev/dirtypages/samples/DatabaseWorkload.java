package dev.dirtypages.samples;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * A database-like workload: an embedded in-memory SQL database (H2) under an OLTP mix, on one connection. Per
 * transaction: 70% read an account by key, 20% move an amount between two accounts (two updates, one commit), 10%
 * insert a row into a history table, which is trimmed to a fixed size. The accounts are long-lived (old
 * generation, rewritten at random); rows, statements and results churn the young generation.
 *
 * <p>Usage: {@code DatabaseWorkload [seconds] [accounts]}; needs H2 on the class path. Prints {@code RESULT}
 * with its throughput in transactions per second.
 */
public final class DatabaseWorkload {
    private static final int HISTORY_ROWS = 50_000;

    private DatabaseWorkload() {
    }

    public static void main(String[] args) throws Exception {
        Workloads.awaitAgent();
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int accounts = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        SplittableRandom random = new SplittableRandom(42);
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:oltp;DB_CLOSE_DELAY=-1")) {
            setUp(c, accounts);
            c.setAutoCommit(false);
            try (PreparedStatement read = c.prepareStatement("SELECT balance, name FROM account WHERE id = ?");
                 PreparedStatement move = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?");
                 PreparedStatement log = c.prepareStatement(
                         "INSERT INTO history(id, account, amount, note) VALUES (?, ?, ?, ?)");
                 PreparedStatement trim = c.prepareStatement("DELETE FROM history WHERE id < ?")) {
                Workloads.Meter meter = new Workloads.Meter(seconds);
                long historyId = 0;
                long sink = 0;
                while (meter.running()) {
                    for (int i = 0; i < 100; i++) {
                        int kind = random.nextInt(10);
                        int account = random.nextInt(accounts);
                        if (kind < 7) {
                            read.setInt(1, account);
                            try (ResultSet r = read.executeQuery()) {
                                if (r.next()) {
                                    sink += r.getLong(1) + r.getString(2).length();
                                }
                            }
                        } else if (kind < 9) {
                            long amount = random.nextInt(1, 1000);
                            move.setLong(1, -amount);
                            move.setInt(2, account);
                            move.executeUpdate();
                            move.setLong(1, amount);
                            move.setInt(2, random.nextInt(accounts));
                            move.executeUpdate();
                        } else {
                            log.setLong(1, ++historyId);
                            log.setInt(2, account);
                            log.setLong(3, random.nextInt(1000));
                            log.setString(4, "transfer " + historyId + " for account " + account);
                            log.executeUpdate();
                            if (historyId % 1000 == 0) {
                                trim.setLong(1, historyId - HISTORY_ROWS);
                                trim.executeUpdate();
                            }
                        }
                        c.commit();
                    }
                    meter.batch(100);
                }
                meter.result("DatabaseWorkload");
                System.out.println("(sink " + (sink & 1) + ")");
            }
        }
    }

    private static void setUp(Connection c, int accounts) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account(id INT PRIMARY KEY, balance BIGINT, name VARCHAR(64))");
            s.execute("CREATE TABLE history(id BIGINT PRIMARY KEY, account INT, amount BIGINT, note VARCHAR(100))");
        }
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO account VALUES (?, ?, ?)")) {
            for (int i = 0; i < accounts; i++) {
                insert.setInt(1, i);
                insert.setLong(2, 10_000);
                insert.setString(3, "account holder number " + i);
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        c.commit();
    }
}
