import { CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity.js';
import { ClinicEntity } from './clinic.entity.js';

/** A user's membership of a clinic: the scope of what they may see. */
@Entity({ name: 'clinic_member' })
@Index('IDX_clinic_member_user', ['userId'])
export class ClinicMemberEntity {
  @PrimaryColumn({ name: 'clinic_id', type: 'uuid', primaryKeyConstraintName: 'PK_clinic_member' })
  clinicId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'PK_clinic_member' })
  userId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => ClinicEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'FK_clinic_member_clinic' })
  clinic?: Relation<ClinicEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_clinic_member_user' })
  user?: Relation<UserEntity>;
}
