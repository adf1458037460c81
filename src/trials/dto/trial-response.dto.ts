import { ApiProperty } from '@nestjs/swagger';
import { PHASES, TRIAL_STATUSES, type Phase, type TrialStatus } from '../entities/trial.entity.js';
import type { CriterionResult, MatchStatus } from '../trial-matching.js';
import { EligibilityDto } from './trial.dto.js';

/** A trial of a clinic's list, with its eligibility. */
export class TrialDto {
  @ApiProperty() id!: string;
  @ApiProperty() clinicId!: string;
  @ApiProperty({ example: 'NCT01234567' }) nctId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: PHASES }) phase!: Phase;
  @ApiProperty({ enum: TRIAL_STATUSES }) status!: TrialStatus;
  @ApiProperty({ type: EligibilityDto }) eligibility!: EligibilityDto;
  @ApiProperty({ nullable: true, type: String, description: 'set once withdrawn: kept, no longer offered' })
  withdrawnAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) withdrawnReason!: string | null;
  @ApiProperty({ description: 'send back as If-Match to edit' }) version!: number;
}

export class TrialCriterionResultDto {
  @ApiProperty({ example: 'site' }) criterion!: string;
  @ApiProperty({ enum: ['met', 'failed', 'unknown'] }) result!: CriterionResult;
  @ApiProperty({ example: 'C50.4 is within C50' }) detail!: string;
}

export class TrialMatchDto {
  @ApiProperty({ type: [TrialCriterionResultDto] }) criteria!: TrialCriterionResultDto[];
  @ApiProperty({
    enum: ['eligible', 'possibly_eligible', 'not_eligible'],
    description:
      'eligible: every criterion met; possibly_eligible: none failed, some unknown; not_eligible: one failed',
  })
  status!: MatchStatus;
  @ApiProperty() eligible!: boolean;
  @ApiProperty() met!: number;
  @ApiProperty() unknown!: number;
  @ApiProperty() failed!: number;
}

export class TrialMatchResultDto extends TrialDto {
  @ApiProperty({ type: TrialMatchDto }) match!: TrialMatchDto;
}
