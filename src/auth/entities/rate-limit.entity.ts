import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Login throttling counters, shared by every instance of the app. */
@Entity({ name: 'rate_limit' })
export class RateLimitEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_rate_limit' })
  key!: string;

  @Column({ type: 'integer' })
  hits!: number;

  @Column({ name: 'window_ends_at', type: 'timestamptz' })
  windowEndsAt!: Date;

  @Column({ name: 'blocked_until', type: 'timestamptz', nullable: true })
  blockedUntil!: Date | null;
}
