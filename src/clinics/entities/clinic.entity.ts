import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { ConsensusRule, Discipline, RecordType } from '../../common/clinical-codes.js';

export interface RequiredDiscipline {
  discipline: Discipline;
  minutes: number;
  patientAttends: boolean;
}

export interface PrecedenceRule {
  before: Discipline;
  after: Discipline;
}

export interface ReadinessRule {
  recordType: RecordType;
  maxAgeDays: number;
}

/** A multidisciplinary clinic (MDC) and its rules. */
@Entity({ name: 'clinic' })
@Unique('UQ_clinic_name', ['name'])
@Check('CHK_clinic_day', `"day_start" < "day_end"`)
@Check(
  'CHK_clinic_consensus_rule',
  `"consensus_rule" IN ('unanimous_required_disciplines', 'majority_without_required_dissent')`,
)
export class ClinicEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_clinic' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** IANA zone, e.g. America/Denver; availability and day hours are in it. */
  @Column({ name: 'time_zone', type: 'text' })
  timeZone!: string;

  @Column({ name: 'day_start', type: 'time' })
  dayStart!: string;

  @Column({ name: 'day_end', type: 'time' })
  dayEnd!: string;

  /** ICD-O-3 topography sites, codes or ranges this clinic takes. */
  @Column({ name: 'cancer_types', type: 'text', array: true })
  cancerTypes!: string[];

  @Column({ name: 'required_disciplines', type: 'jsonb' })
  requiredDisciplines!: RequiredDiscipline[];

  @Column({ type: 'jsonb' })
  precedence!: PrecedenceRule[];

  @Column({ name: 'required_record_types', type: 'text', array: true })
  requiredRecordTypes!: RecordType[];

  @Column({ name: 'readiness_rules', type: 'jsonb' })
  readinessRules!: ReadinessRule[];

  @Column({ name: 'quorum_disciplines', type: 'text', array: true })
  quorumDisciplines!: Discipline[];

  @Column({ name: 'consensus_rule', type: 'text' })
  consensusRule!: ConsensusRule;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;
}
