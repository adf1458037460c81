import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity.js';
import { CaseEntity } from '../../cases/entities/case.entity.js';

/**
 * A referral taken in as a FHIR Bundle: the sending system's
 * ServiceRequest.identifier and the case it became. The key makes the import
 * idempotent: the same referral sent again is the same case.
 */
@Entity({ name: 'fhir_referral' })
@Unique('UQ_fhir_referral_case', ['caseId'])
@Check('CHK_fhir_referral_identifier', `length("identifier_system") > 0 AND length("identifier_value") > 0`)
export class FhirReferralEntity {
  @PrimaryColumn({ name: 'identifier_system', type: 'text', primaryKeyConstraintName: 'PK_fhir_referral' })
  identifierSystem!: string;

  @PrimaryColumn({ name: 'identifier_value', type: 'text', primaryKeyConstraintName: 'PK_fhir_referral' })
  identifierValue!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_fhir_referral_case' })
  case?: Relation<CaseEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'FK_fhir_referral_created_by' })
  creator?: Relation<UserEntity>;
}
