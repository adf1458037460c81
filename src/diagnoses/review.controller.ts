import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, GuestAllowed, Roles } from '../common/auth.decorators.js';
import {
  AnnotationInputDto,
  AnnotationResponseDto,
  CreateAnnotationDto,
  RecordAssessmentDto,
  VerificationDto,
} from './dto/review.dto.js';
import { ReviewService } from './review.service.js';

const uuid = new ParseUUIDPipe();

@ApiTags('diagnoses')
@ApiBearerAuth()
@Controller('cases/:id')
@Roles('coordinator', 'clinician')
export class ReviewController {
  constructor(private readonly review: ReviewService) {}

  @Get('diagnoses')
  @ApiOperation({ summary: "List a case's diagnoses" })
  @Audited('diagnosis.list', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ description: 'every assessment of the case, oldest first (referring, reviews, board)' })
  assessments(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string) {
    return this.review.assessments(user, id);
  }

  @Get('standing-diagnosis')
  @ApiOperation({ summary: 'Read the standing diagnosis' })
  @Audited('diagnosis.standing', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({
    description:
      "the diagnosis that stands: the board's facts, with what it does not restate from the reviews and the referral, and the source of each fact",
  })
  standing(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string) {
    return this.review.standing(user, id);
  }

  @Post('diagnoses')
  @ApiOperation({ summary: 'Record a review or the board diagnosis' })
  @ApiConflictResponse({ description: 'the board diagnosis needs a referring diagnosis to compare with' })
  @Audited('diagnosis.record', { entity: 'diagnosis_assessment' })
  @ApiCreatedResponse({ description: 'the assessment, and for the board the classified change from the referral' })
  record(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string, @Body() dto: RecordAssessmentDto) {
    return this.review.recordAssessment(user, id, dto);
  }

  @Get('diagnosis-changes')
  @ApiOperation({ summary: "List a case's diagnosis changes" })
  @Audited('diagnosis_change.list', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ description: 'every classified change of the case, oldest first; one is current' })
  changes(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string) {
    return this.review.changes(user, id);
  }

  @Post('diagnosis-changes/:changeId/verification')
  @ApiOperation({ summary: 'Verify a diagnosis change' })
  @HttpCode(201)
  @Audited('diagnosis_change.verify', { entity: 'diagnosis_change', idParam: 'changeId' })
  @ApiCreatedResponse({ description: 'the change with its new verification outcome' })
  verify(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Param('changeId', uuid) changeId: string,
    @Body() dto: VerificationDto,
  ) {
    return this.review.verify(user, id, changeId, dto);
  }

  @Get('annotations')
  @GuestAllowed()
  @ApiOperation({ summary: "List a case's annotations" })
  @Audited('annotation.list', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ type: [AnnotationResponseDto], description: 'every annotation version of the case, oldest first' })
  annotations(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string): Promise<AnnotationResponseDto[]> {
    return this.review.annotations(user, id);
  }

  @Post('annotations')
  @ApiOperation({ summary: 'Annotate a record' })
  @Audited('annotation.add', { entity: 'annotation' })
  @ApiCreatedResponse({ type: AnnotationResponseDto, description: 'the annotation (version 1)' })
  annotate(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Body() dto: CreateAnnotationDto,
  ): Promise<AnnotationResponseDto> {
    return this.review.annotate(user, id, dto);
  }

  @Post('annotations/:annotationId/amendments')
  @ApiOperation({ summary: 'Amend an annotation' })
  @ApiConflictResponse({ description: 'a newer version exists: amend that one (latestId)' })
  @Audited('annotation.amend', { entity: 'annotation' })
  @ApiCreatedResponse({ type: AnnotationResponseDto, description: 'the new version; the old one is kept as it was' })
  amend(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Param('annotationId', uuid) annotationId: string,
    @Body() dto: AnnotationInputDto,
  ): Promise<AnnotationResponseDto> {
    return this.review.amend(user, id, annotationId, dto);
  }
}
